package lastgood_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/lastgood"
)

func TestSaveLoadReplace(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	if _, err := lastgood.Load(state); !errors.Is(err, lastgood.ErrNone) {
		t.Fatalf("empty state dir: %v, want ErrNone", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("entries: []\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.yml"), []byte("synonyms: []\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not knowledge"), 0o644)
	settings := filepath.Join(t.TempDir(), "tuned.yaml")
	os.WriteFile(settings, []byte("answer: 0.5\n"), 0o644)

	c, err := lastgood.ReadDir(dir, settings)
	if err != nil {
		t.Fatal(err)
	}
	c.Saved = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if err := lastgood.Save(state, c); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(filepath.Join(state, lastgood.FileName)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("kept copy: %v, mode %v; want 0600", err, info.Mode().Perm())
	}
	got, err := lastgood.Load(state)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Files) != 2 || string(got.Files["a.yaml"]) != "entries: []\n" || string(got.Files["b.yml"]) != "synonyms: []\n" ||
		string(got.Settings) != "answer: 0.5\n" || got.From != dir || !got.Saved.Equal(c.Saved) {
		t.Errorf("loaded %+v", got)
	}

	// A new save replaces the whole copy: a file deleted since is gone.
	os.Remove(filepath.Join(dir, "b.yml"))
	c, _ = lastgood.ReadDir(dir, "")
	if err := lastgood.Save(state, c); err != nil {
		t.Fatal(err)
	}
	got, _ = lastgood.Load(state)
	if len(got.Files) != 1 || got.Settings != nil {
		t.Errorf("after replacing: files %v, settings %q", got.Files, got.Settings)
	}

	out := t.TempDir()
	s, err := got.WriteDir(out)
	if err != nil || s != "" {
		t.Fatalf("WriteDir: %q, %v", s, err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "a.yaml")); err != nil || string(b) != "entries: []\n" {
		t.Errorf("written a.yaml: %q, %v", b, err)
	}
}

// A named pipe in the folder is refused at once, never read (reading one
// with no writer would block the reload watcher for ever).
func TestReadDirRefusesAPipe(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "faq.yaml"), []byte("entries: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	done := make(chan error, 1)
	go func() { _, err := lastgood.ReadDir(dir, ""); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not an ordinary file") {
			t.Errorf("ReadDir with a pipe: %v, want it refused", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadDir blocked on a named pipe")
	}
}
