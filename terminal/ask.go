package terminal

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/clinicbot/clinicbot/answer"
)

// AskOptions say how Ask reads and prints.
type AskOptions struct {
	// JSON prints one JSON object per question instead of one line.
	JSON bool
	// Conversation reads the lines as one conversation ("yes", "2",
	// follow-ups), not each on its own.
	Conversation bool
}

// MaxAskLine is how much of one line Ask reads; the answering core reads
// only the first 1000 characters of a question anyway.
const MaxAskLine = 1 << 20

// Ask answers the question in args (its words joined), or else each line
// of stdin, printing each reply on one line (or as JSON) to stdout. A line
// longer than MaxAskLine is answered from its start, with a warning on
// stderr. Without --json each answer is flushed at once, so interactive
// pipes get answers line by line.
func Ask(ctx context.Context, eng *answer.Engine, opts AskOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	conv := answer.NewConversations()
	answerOne := func(q string) error {
		var r answer.Reply
		if opts.Conversation {
			r = conv.Turn(ctx, eng, "ask", q)
		} else {
			r = eng.Answer(ctx, q) // each question on its own: eval and the benchmarks rely on it
		}
		if opts.JSON {
			return enc.Encode(r)
		}
		_, err := fmt.Fprintln(w, OneLine(r))
		return err
	}
	if len(args) > 0 {
		return answerOne(strings.Join(args, " "))
	}
	n := 0
	return EachLine(stdin, MaxAskLine, func(line string, cut bool) error {
		n++
		if cut {
			fmt.Fprintf(stderr, "ask: line %d is longer than %d bytes; answered from its start\n", n, MaxAskLine)
		}
		if err := answerOne(line); err != nil {
			return err
		}
		if !opts.JSON {
			return w.Flush()
		}
		return nil
	})
}

// EachLine calls fn with each line of r, without its line ending. A line
// longer than max bytes is cut (cut is true; the rest of the line is
// skipped), so one huge line neither exhausts memory nor stops the batch.
func EachLine(r io.Reader, max int, fn func(line string, cut bool) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	cut, pending := false, false
	for {
		chunk, more, err := br.ReadLine()
		if err == io.EOF {
			if pending {
				return fn(strings.ToValidUTF8(string(line), ""), cut)
			}
			return nil
		}
		if err != nil {
			return err
		}
		pending = true
		if room := max - len(line); len(chunk) > room {
			chunk, cut = chunk[:room], true
		}
		line = append(line, chunk...)
		if more {
			continue
		}
		if err := fn(strings.ToValidUTF8(string(line), ""), cut); err != nil {
			return err
		}
		line, cut, pending = line[:0], false, false
	}
}

// OneLine renders a reply on a single line, for `ask` without --json.
func OneLine(r answer.Reply) string {
	parts := []string{"[" + string(r.Kind) + "]"}
	if r.Title != "" {
		parts = append(parts, r.Title+" —")
	}
	parts = append(parts, strings.Join(strings.Fields(r.Text), " "))
	for i, c := range r.Picks() {
		parts = append(parts, fmt.Sprintf("(%d) %s", i+1, c.Title))
	}
	if u := r.BookingLink(); u != "" {
		parts = append(parts, "Book: "+u)
	}
	return strings.Join(parts, " ")
}
