// Package unanswered keeps the questions the bot could not answer, or was
// unsure of, so clinic staff can see what knowledge is missing.
//
// It is off unless an operator turns it on. Each line holds the time, the
// question text, the kind of reply and the entries it offered: no chat,
// user or message identifiers. Lines older than
// the retention period are deleted when the log is opened and then
// periodically (Serve), and never shown (Recent); PrintList lists them for
// staff.
package unanswered

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

var (
	emailRE = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[^\s@]+`)
	// An address written to dodge spam filters: jane.doe(at)gmail.com,
	// jane [at] gmail [dot] com, jane at gmail.com.
	// The spelt-out "at" needs a domain written as one: "I'll be at work.
	// Can I…" and "the clinic at st. johns" are not addresses.
	emailWordsRE = regexp.MustCompile(`(?i)[\w.+-]+\s*(?:\(at\)|\[at\]|\{at\})\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\{dot\})\s*[a-z]{2,})+\b` +
		`|[\w.+-]+\s+at\s+[\w-]+(?:\.[a-z]{2,})*\.(?:com|org|net|uk|io|co|info|me|nhs|gov|edu|ac|ie|eu|de|fr|es|it|nl|au|ca|us)\b`)
	// Dates such as 12/03/1985 or 12-3-85: dates of birth.
	dateRE = regexp.MustCompile(`\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b`)
	// Dates with a month's name and a year: 3rd May 1962, May 3, 1962.
	monthDateRE = regexp.MustCompile(`(?i)\b(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + months + `\.?,?\s+\d{2,4}|` + months + `\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4})\b`)
	// Seven or more digits, possibly split by spaces, dots, dashes or
	// brackets, with an optional leading +: phone numbers, NHS and other
	// reference numbers.
	phoneRE = regexp.MustCompile(`\+?\d[\d\s().-]{5,}\d`)
	// UK postcodes (SW1A 1AA, w1g9qj).
	postcodeRE = regexp.MustCompile(`(?i)\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b`)
	// A self-introduction, then the name (one or two words, in any case).
	nameRE = regexp.MustCompile(`(?i)\b(my name is|my name's|my names|i am called|i'm called|im called|this is)\s+([\p{L}'-]+)(\s+[\p{L}'-]+)?`)
	// "I'm Sarah", "I am John Smith": only a capitalised word is taken
	// for a name ("I am worried" is not one).
	iAmRE = regexp.MustCompile(`\b((?:[Ii]'m|[Ii]’m|[Ii] am|[Ii]m)\s+)(\p{Lu}[\p{L}'-]*)(\s+\p{Lu}[\p{L}'-]*)?`)
)

const months = `(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*`

// notName are words that end a name written in lower case ("my name is
// john and ...").
var notName = map[string]bool{
	"and": true, "i": true, "im": true, "i'm": true, "from": true, "here": true, "but": true, "with": true,
	"what": true, "how": true, "can": true, "is": true, "my": true, "the": true, "a": true, "and,": true,
	"do": true, "does": true, "will": true, "please": true, "thanks": true, "hi": true, "hello": true,
	// Capitalised by habit after "I'm" ("I'm In pain", "I am Not sure").
	"in": true, "not": true, "so": true, "very": true, "really": true, "an": true, "on": true,
	"at": true, "just": true, "also": true, "still": true, "having": true, "getting": true,
	"going": true, "trying": true, "worried": true, "scared": true, "sorry": true, "ok": true,
	"okay": true, "fine": true, "sure": true, "looking": true, "interested": true, "unable": true,
	// How patients describe themselves after "I'm"/"I am".
	"pregnant": true, "diabetic": true, "type": true, "allergic": true, "asthmatic": true,
	"epileptic": true, "disabled": true, "deaf": true, "blind": true, "vegan": true, "vegetarian": true,
	"muslim": true, "jewish": true, "christian": true, "hindu": true, "sikh": true, "catholic": true,
	"buddhist": true, "british": true, "english": true, "scottish": true, "welsh": true, "irish": true,
	"american": true, "european": true, "retired": true, "unemployed": true, "self-employed": true,
	"male": true, "female": true, "over": true, "under": true, "nervous": true, "anxious": true,
	"registered": true, "based": true, "currently": true, "due": true, "booked": true,
	"private": true, "insured": true, "covered": true, "taking": true,
}

// Redact blanks out what identifies a person in a question: e-mail
// addresses, dates, phone-like numbers, postcodes, and a name after "my
// name is".
func Redact(q string) string {
	q = emailRE.ReplaceAllString(q, "[email]")
	q = emailWordsRE.ReplaceAllString(q, "[email]")
	q = dateRE.ReplaceAllString(q, "[date]")
	q = monthDateRE.ReplaceAllString(q, "[date]")
	q = phoneRE.ReplaceAllStringFunc(q, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits < 7 {
			return m
		}
		return "[number]"
	})
	q = postcodeRE.ReplaceAllString(q, "[postcode]")
	q = nameRE.ReplaceAllStringFunc(q, func(m string) string {
		sub := nameRE.FindStringSubmatch(m)
		out := sub[1] + " [name]"
		if second := strings.TrimSpace(sub[3]); second != "" && notName[strings.ToLower(second)] {
			out += sub[3] // not part of the name
		}
		return out
	})
	return iAmRE.ReplaceAllStringFunc(q, func(m string) string {
		sub := iAmRE.FindStringSubmatch(m)
		w := sub[2]
		if w == "I" || notName[strings.ToLower(w)] || notName[strings.ToLower(strings.TrimSpace(sub[3]))] || w == strings.ToUpper(w) {
			// "I'm I think…", "I am Diabetic", "I'm Type 2…", "I'm NHS
			// staff": not a name.
			return m
		}
		return sub[1] + "[name]"
	})
}

// Line is one unanswered question.
type Line struct {
	Time     time.Time `json:"time"`
	Question string    `json:"question"`
	// Reply is what the patient got: "fallback" ("I don't know") or
	// "choices" (a "did you mean" list).
	Reply string `json:"reply,omitempty"`
	// Offered lists the entries a "did you mean" reply offered, best first.
	Offered []string `json:"offered,omitempty"`
}

// Log is an append-only file of unanswered questions. It is safe for
// concurrent use.
type Log struct {
	path      string
	retention time.Duration
	now       func() time.Time

	mu sync.Mutex
	f  *os.File
}

// Open opens (creating if needed) the log at path, readable by its owner
// only, and deletes lines older than retention.
func Open(path string, retention time.Duration) (*Log, error) {
	return open(path, retention, time.Now)
}

func open(path string, retention time.Duration, now func() time.Time) (*Log, error) {
	if retention <= 0 {
		return nil, fmt.Errorf("unanswered log: retention must be positive")
	}
	l := &Log{path: path, retention: retention, now: now}
	if info, err := os.Stat(filepath.Dir(path)); err != nil || !info.IsDir() {
		// Said at start, rather than failing every write later.
		return nil, fmt.Errorf("unanswered log %s: the folder %s does not exist; create it or change privacy.unanswered.path", path, filepath.Dir(path))
	}
	if err := l.Purge(); err != nil {
		return nil, err
	}
	// A file made earlier, by hand or by an older version, may be wider open.
	if err := os.Chmod(path, 0o600); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("unanswered log: %w", err)
	}
	return l, nil
}

// openLocked opens the file for appending, creating it if need be.
func (l *Log) openLocked() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("unanswered log: %w", err)
	}
	l.f = f
	return nil
}

// Reopen closes the file, so that the next line goes to the file now at
// the log's path: after logrotate moved it away (clinicbot serve calls it
// on SIGHUP). Record also notices a moved file by itself.
func (l *Log) Reopen() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// movedLocked reports whether the open file is no longer the one at the
// log's path (moved away or deleted).
func (l *Log) movedLocked() bool {
	if l.f == nil {
		return false
	}
	here, err := os.Stat(l.path)
	if err != nil {
		return true
	}
	open, err := l.f.Stat()
	return err != nil || !os.SameFile(here, open)
}

// Record appends a question with the current time, the kind of reply it got
// and the entries offered, with e-mail addresses, phone numbers and
// self-introductions ("my name is …") blanked out.
func (l *Log) Record(question, reply string, offered []string) error {
	b, err := json.Marshal(Line{Time: l.now().UTC().Truncate(time.Second), Question: Redact(question), Reply: reply, Offered: offered})
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.movedLocked() {
		l.f.Close()
		l.f = nil
	}
	if l.f == nil {
		if err := l.openLocked(); err != nil {
			return err
		}
	}
	_, err = l.f.Write(append(b, '\n'))
	return err
}

// Purge deletes lines older than the retention period (and lines it cannot
// read), rewriting the file atomically.
func (l *Log) Purge() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	data, err := os.ReadFile(l.path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("unanswered log: %w", err)
	}
	cutoff := l.now().Add(-l.retention)
	var keep bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	dropped := false
	for sc.Scan() {
		var ln Line
		if json.Unmarshal(sc.Bytes(), &ln) != nil || ln.Time.Before(cutoff) {
			dropped = true
			continue
		}
		keep.Write(sc.Bytes())
		keep.WriteByte('\n')
	}
	if !dropped {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(l.path), ".unanswered-*")
	if err != nil {
		return fmt.Errorf("unanswered log: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(keep.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	if l.f != nil {
		l.f.Close()
		l.f = nil // reopened on the next Record, now on the new file
	}
	return os.Rename(tmp.Name(), l.path)
}

// PurgeEvery purges on a timer until ctx ends.
func (l *Log) PurgeEvery(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := l.Purge(); err != nil {
				log.Error("unanswered log purge", "err", err)
			}
		}
	}
}

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
