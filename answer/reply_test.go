package answer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/knowledge"
)

// TestEveryKindOffers: every reply kind declared in the package says what
// its replies offer, so a new kind cannot silently fall through the
// transports (they ask the reply, see reply.go).
func TestEveryKindOffers(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var kinds []Kind
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				id, ok := v.Type.(*ast.Ident)
				if !ok || id.Name != "Kind" {
					continue
				}
				for i, n := range v.Names {
					lit, ok := v.Values[i].(*ast.BasicLit)
					k, err := strconv.Unquote(lit.Value)
					if !ok || err != nil {
						t.Fatalf("kind %s: its value is not a string literal", n.Name)
					}
					kinds = append(kinds, Kind(k))
				}
			}
		}
	}
	if len(kinds) < 6 {
		t.Fatalf("found only the kinds %v", kinds)
	}
	for _, k := range kinds {
		if _, ok := kindOffers[k]; !ok {
			t.Errorf("kind %q says nothing of what it offers: add it to kindOffers (reply.go)", k)
		}
	}
	if len(kindOffers) != len(kinds) {
		t.Errorf("kindOffers has %d kinds, the package declares %d", len(kindOffers), len(kinds))
	}
}

// What each kind offers, as the transports showed it when they switched
// on the kind themselves.
func TestReplyOffers(t *testing.T) {
	two := []Choice{{EntryID: "a", Title: "A?"}, {EntryID: "b", Title: "B?"}}
	const url = "https://clinic.example/book"
	booking := &knowledge.Entry{Booking: true}
	plain := &knowledge.Entry{}
	tests := []struct {
		name             string
		r                Reply
		picks, follow    int
		link             string
		callBack, unsure bool
		urgent           bool
	}{
		{"answer with booking", Reply{Kind: KindAnswer, Entry: booking, BookingURL: url, Related: two, Choices: []Choice{}}, 0, 2, url, true, false, false},
		{"answer without", Reply{Kind: KindAnswer, Entry: plain, Related: two}, 0, 2, "", false, false, false},
		{"choices", Reply{Kind: KindChoices, Choices: two}, 2, 0, "", false, true, false},
		{"fallback", Reply{Kind: KindFallback, BookingURL: url, Choices: []Choice{}}, 0, 0, url, true, true, false},
		{"smalltalk", Reply{Kind: KindSmalltalk, BookingURL: url}, 0, 0, url, false, false, false},
		{"language", Reply{Kind: KindLanguage, BookingURL: url}, 0, 0, url, false, false, false},
		{"urgent", Reply{Kind: KindUrgent, BookingURL: url, Related: two}, 0, 0, "", false, false, true},
	}
	for _, tt := range tests {
		r := tt.r
		if len(r.Picks()) != tt.picks || len(r.FollowUps()) != tt.follow || r.BookingLink() != tt.link ||
			r.OffersCallBack() != tt.callBack || r.Unsure() != tt.unsure || r.Urgent() != tt.urgent {
			t.Errorf("%s: picks %d, follow-ups %d, link %q, call back %v, unsure %v, urgent %v", tt.name,
				len(r.Picks()), len(r.FollowUps()), r.BookingLink(), r.OffersCallBack(), r.Unsure(), r.Urgent())
		}
	}
}
