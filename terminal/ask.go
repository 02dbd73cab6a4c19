package terminal

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/clinicbot/clinicbot/answer"
)

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
