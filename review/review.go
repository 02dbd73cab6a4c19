// Package review finds what the staff should look at in knowledge that
// loads: entries due for review, alternates that another entry answers,
// and entries their own question does not find. It asks the answering
// engine itself, so what it reports is what patients would get. Print is
// the report of `clinicbot validate`.
package review

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/knowledge"
)

// Options say what counts as due for review.
type Options struct {
	// Now is today's date, for the age of reviews.
	Now time.Time
	// ReviewAfterDays is how old a reviewed date may be; 0 skips the check.
	ReviewAfterDays int
}

// clinicalOwner recognises an owner that names a clinical sign-off, as
// "London Spine Unit clinical team" does: such an entry says something
// about care, so it must carry the date it was last checked.
var clinicalOwner = regexp.MustCompile(`(?i)\b(clinical|medical|doctors?|nurses?|consultants?|surgeons?|physiotherap\w*)\b`)

// Check returns the warnings for eng's knowledge, in file and line order,
// files named as in the knowledge folder.
func Check(ctx context.Context, eng *answer.Engine, o Options) knowledge.ErrorList {
	base := eng.Base()
	var out knowledge.ErrorList
	warn := func(e *knowledge.Entry, format string, args ...any) {
		out = append(out, &knowledge.Error{Pos: e.Pos, EntryID: e.ID, Msg: fmt.Sprintf(format, args...)})
	}
	where := func(id string) string {
		if e, ok := base.Entry(id); ok {
			return fmt.Sprintf("entry %q (%s)", id, e.Pos)
		}
		return fmt.Sprintf("entry %q", id)
	}
	today := o.Now.UTC().Truncate(24 * time.Hour)
	for i := range base.Entries {
		e := &base.Entries[i]
		if o.ReviewAfterDays > 0 {
			switch {
			case e.Reviewed == "" && clinicalOwner.MatchString(e.Owner):
				warn(e, "no `reviewed` date on an entry signed off by %s: add the date it was last checked, e.g. reviewed: %s", e.Owner, today.Format(time.DateOnly))
			case e.Reviewed != "":
				if d, err := time.Parse(time.DateOnly, e.Reviewed); err == nil {
					if age := int(today.Sub(d).Hours() / 24); age > o.ReviewAfterDays {
						warn(e, "reviewed %s, %d days ago (more than %d): check the text is still right, then update the date", e.Reviewed, age, o.ReviewAfterDays)
					}
				}
			}
		}
		// Its own question must find it, and only it.
		r := eng.Answer(ctx, e.Question)
		switch {
		case r.Kind == answer.KindAnswer && r.EntryID == e.ID:
		case r.Kind == answer.KindAnswer:
			warn(e, "cannot be reached: its own question is answered by %s; make the two questions differ more, or merge the entries", where(r.EntryID))
		case r.Kind == answer.KindChoices && offers(r, e.ID):
			warn(e, "its own question matches %s as strongly, so patients asking it get a \"did you mean\" list; make the questions differ more, or merge the entries", others(r, e.ID, where))
		case r.Kind == answer.KindChoices:
			warn(e, "cannot be reached: its own question gets a \"did you mean\" list of %s", others(r, e.ID, where))
		case r.Kind == answer.KindFallback:
			warn(e, "cannot be reached: its own question gets \"I don't know\"; add alternates in patients' words")
		case r.Kind == answer.KindSmalltalk:
			warn(e, "cannot be reached: its own question is taken for small talk (a greeting, thanks, \"?\" and the like); add alternates in patients' words")
		case r.Kind == answer.KindUrgent:
			// Sending an emergency to emergency care first is right; the
			// entry can still be opened from buttons and topics.
		}
		// Its alternates must not bring up another entry.
		for _, alt := range e.Alternates {
			r := eng.Answer(ctx, alt)
			switch {
			case r.Kind == answer.KindAnswer && r.EntryID != e.ID:
				warn(e, "alternate %q is answered by %s: make it more specific, or move it there", alt, where(r.EntryID))
			case r.Kind == answer.KindChoices:
				warn(e, "alternate %q matches %s as strongly, so patients asking it get a \"did you mean\" list: make it more specific, or keep it in one entry only", alt, others(r, e.ID, where))
			case r.Kind == answer.KindFallback:
				warn(e, "alternate %q gets \"I don't know\": it has too few words the knowledge knows; write it as patients would ask", alt)
			}
		}
	}
	out.Sort()
	return out
}

// others names the entries a "did you mean" list offers besides id.
func others(r answer.Reply, id string, where func(string) string) string {
	var names []string
	for _, c := range r.Choices {
		if c.EntryID != id {
			names = append(names, where(c.EntryID))
		}
	}
	return strings.Join(names, " and ")
}

func offers(r answer.Reply, id string) bool {
	for _, c := range r.Choices {
		if c.EntryID == id {
			return true
		}
	}
	return false
}
