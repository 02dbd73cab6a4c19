package knowledge_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/knowledge"
)

// bigComment is a YAML file of n bytes of comments.
func bigComment(n int) string {
	line := "# " + strings.Repeat("x", 77) + "\n"
	return strings.Repeat(line, n/len(line)+1)
}

func TestFolderLimits(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string // in the error; "" means it loads
	}{
		{"a file too big", func(t *testing.T, dir string) {
			write(t, dir, "dump.yaml", bigComment(knowledge.MaxFileBytes+1))
		}, "dump.yaml: this file is 4.0 MB, more than a knowledge file may be (4.0 MB)"},
		{"a link outside the folder", func(t *testing.T, dir string) {
			link(t, filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "secret.yaml"))
		}, "secret.yaml: this file is a link to a file outside the knowledge folder"},
		{"a relative link climbing out", func(t *testing.T, dir string) {
			rel, err := filepath.Rel(dir, filepath.Join(outside, "secret.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			link(t, rel, filepath.Join(dir, "up.yaml"))
		}, "up.yaml: this file is a link to a file outside the knowledge folder"},
		{"a dangling link", func(t *testing.T, dir string) {
			link(t, filepath.Join(dir, "gone.txt"), filepath.Join(dir, "gone.yaml"))
		}, "gone.yaml: this file is a link to a file that does not exist"},
		{"a named pipe", func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644); err != nil {
				t.Skip(err)
			}
		}, "pipe.yaml: this file is not an ordinary file"},
		{"a link inside the folder", func(t *testing.T, dir string) {
			if err := os.Mkdir(filepath.Join(dir, "drafts"), 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "drafts"), "more.txt", "entries:\n  - id: more\n    question: More?\n    answer: Yes.\n")
			link(t, filepath.Join("drafts", "more.txt"), filepath.Join(dir, "more.yaml"))
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"good.yaml": good})
			tc.setup(t, dir)
			done := make(chan error, 1)
			go func() {
				_, err := knowledge.LoadDir(dir)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("loading blocked")
			}
			if tc.want == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the folder", err)
			}
		})
	}
}

func TestFolderTotalLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 36 MB")
	}
	dir := writeDir(t, map[string]string{"a.yaml": good})
	chunk := bigComment(knowledge.MaxFileBytes - 200<<10)
	for i := range knowledge.MaxTotalBytes/len(chunk) + 1 {
		write(t, dir, fmt.Sprintf("part%02d.yaml", i), chunk)
	}
	_, err := knowledge.LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "more than 32.0 MB together") {
		t.Errorf("error %v", err)
	}
}

func TestEntryLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("entries:\n")
	for i := range knowledge.MaxEntries + 1 {
		fmt.Fprintf(&b, "  - id: e%d\n    question: Q%d?\n    answer: A.\n", i, i)
	}
	dir := writeDir(t, map[string]string{"many.yaml": b.String()})
	_, err := knowledge.LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "10001 entries in the knowledge files, more than the 10000") {
		t.Errorf("error %v", err)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Skip(err)
	}
}
