package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// copyKnowledge copies the clinic's knowledge (every *.yaml) to a new folder.
func copyKnowledge(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob("../../knowledge/clinic/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no knowledge files: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "clinic")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// replaceFile writes data to path the way careful editors save: a new
// file renamed over the old, so the watcher never reads half a file.
func replaceFile(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), "edit")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestHotReload edits the knowledge while serving: a good edit is served
// within a few seconds, a broken one is reported with file and line and
// the last good knowledge keeps serving, and fixing it reloads again.
func TestHotReload(t *testing.T) {
	t.Parallel()
	const patient = 4601
	dir := copyKnowledge(t)
	// The question: the one the engine is surest of, so that the marker
	// added to its answer cannot tip it into another kind of reply.
	var r reply
	for _, c := range askEngine(t, []string{"--knowledge", dir}, answerable...) {
		if c.Kind == "answer" && c.Score > r.Score {
			r = c
		}
	}
	if r.Kind == "" {
		t.Fatal("the engine answers none of the test questions")
	}
	question := r.Question
	// The start of the answer's first line, as written in the YAML.
	oldText := firstLine(r.Text)
	oldText = string([]rune(oldText)[:min(40, len([]rune(oldText)))])
	var file string
	var orig []byte
	yamls, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range yamls {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), oldText); n > 0 {
			if file != "" || n > 1 {
				t.Fatalf("test data: %q is in the knowledge more than once", oldText)
			}
			file, orig = f, b
		}
	}
	if file == "" {
		t.Fatalf("test data: the answer to %q (%q) is not in the knowledge files", question, oldText)
	}
	t.Logf("editing the answer to %q (%s) in %s", question, r.Entry, filepath.Base(file))
	edit := func(marker string) []byte {
		return []byte(strings.Replace(string(orig), oldText, marker+" "+oldText, 1))
	}

	p := start(t, options{config: testdata(t, "reload.yaml"), args: []string{"--knowledge", dir}})
	p.ready()
	if c := p.say(patient, question); !strings.Contains(plain(c.Text()), oldText) || strings.Contains(c.Text(), "RELOADED") {
		t.Fatalf("before any edit: %q", c.Text())
	}

	// A good edit.
	reloaded := regexp.MustCompile(`msg="knowledge reloaded"`)
	replaceFile(t, file, edit("RELOADED-ONE."))
	p.waitLog(reloaded)
	if c := p.say(patient, question); !strings.Contains(c.Text(), "RELOADED-ONE.") {
		t.Errorf("after a good edit: %q", c.Text())
	}

	// A broken edit: an unterminated string in a new entry at the end.
	broken := string(edit("RELOADED-ONE.")) + "\n  - id: broken-entry\n    question: \"an unterminated string\n"
	brokenLine := strings.Count(broken[:strings.Index(broken, "  - id: broken-entry")], "\n") + 1
	lines := strings.Count(broken, "\n") + 1
	replaceFile(t, file, []byte(broken))
	m := p.waitLog(regexp.MustCompile(`msg="knowledge not reloaded[^\n]*` + regexp.QuoteMeta(file) + `:(\d+): this text starts with a quote mark`))
	if n, _ := strconv.Atoi(m[1]); n < brokenLine || n > lines {
		t.Errorf("the error names line %d; the broken entry is on lines %d to %d", n, brokenLine, lines)
	}
	if c := p.say(patient, question); !strings.Contains(c.Text(), "RELOADED-ONE.") {
		t.Errorf("with broken knowledge the last good answer should be served, got %q", c.Text())
	}

	// Fixed.
	replaceFile(t, file, edit("RELOADED-TWO."))
	p.waitLog(regexp.MustCompile(`(?s)msg="knowledge reloaded".*msg="knowledge reloaded"`))
	if c := p.say(patient, question); !strings.Contains(c.Text(), "RELOADED-TWO.") {
		t.Errorf("after fixing the knowledge: %q", c.Text())
	}
	p.stop()
	if n := p.countLog(`msg="knowledge reloaded"`); n != 2 {
		t.Errorf("%d reloads, want 2", n)
	}
	if n := p.countLog(`msg="knowledge not reloaded`); n != 1 {
		t.Errorf("%d failed reloads logged, want 1", n)
	}
	p.checkNoSecrets()
}
