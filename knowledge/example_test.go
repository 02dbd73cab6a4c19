package knowledge_test

import (
	"errors"
	"fmt"
	"testing/fstest"

	"github.com/clinicbot/clinicbot/knowledge"
)

// Load reads every *.yaml file of a folder (any fs.FS: os.DirFS, an
// embedded folder, or, here, an in-memory one) into a validated Base.
func ExampleLoad() {
	folder := fstest.MapFS{
		"procedure.yaml": {Data: []byte(`entries:
  - id: rfa-what-is-it
    question: What is radiofrequency ablation?
    alternates: [what is rfa]
    answer: A treatment that stops small nerves carrying pain signals.
    topic: procedure
    booking: true
synonyms:
  - [rfa, radiofrequency ablation]
`)},
		"settings.yaml": {Data: []byte("answer: 0.5\n")}, // reserved: not knowledge
	}
	base, err := knowledge.Load(folder)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := base.Entry("rfa-what-is-it")
	fmt.Println(base.Files, len(base.Entries), "entry")
	fmt.Println(e.Pos, e.Question, e.Booking)
	fmt.Println(base.Synonyms)
	// Output:
	// [procedure.yaml] 1 entry
	// procedure.yaml:2 What is radiofrequency ablation? true
	// [[rfa radiofrequency ablation]]
}

// A folder with mistakes loads nothing; the error lists every problem with
// its file and line, for the staff member who made the edit.
func ExampleErrorList() {
	folder := fstest.MapFS{
		"faqs.yaml": {Data: []byte(`entries:
  - id: Opening_Hours
    question: When are you open?
    answer: ""
    related: [contact]
`)},
	}
	_, err := knowledge.Load(folder)
	var list knowledge.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e)
		}
	}
	// Output:
	// faqs.yaml:2: entry "Opening_Hours": id "Opening_Hours" must be lowercase words and digits joined by dashes, e.g. facet-joint-recovery
	// faqs.yaml:2: entry "Opening_Hours": related id "contact" does not exist
	// faqs.yaml:4: entry "Opening_Hours": missing or empty `answer`
}
