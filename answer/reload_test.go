package answer_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/answer"
)

// put writes a file, making its folder.
func put(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// watchedFolder is a knowledge folder of one entry, its loader (logging to
// logs, keeping last good copies in a temporary state folder), the
// folder's fingerprint and the engine built from it.
func watchedFolder(t *testing.T, logs *lockedBuffer) (dir string, l answer.Loader, loaded string, eng *answer.Engine) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "kb")
	put(t, filepath.Join(dir, "faq.yaml"), hoursEntry)
	log := slog.New(slog.DiscardHandler)
	if logs != nil {
		log = slog.New(slog.NewTextHandler(logs, nil))
	}
	l = answer.Loader{Source: answer.Source{Dir: dir}, StateDir: t.TempDir(), Log: log}
	loaded, err := answer.Fingerprint(l.Source)
	if err != nil {
		t.Fatal(err)
	}
	if eng, err = l.Build(); err != nil {
		t.Fatal(err)
	}
	return dir, l, loaded, eng
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const hoursEntry = "entries:\n  - id: hours\n    question: What are your opening hours?\n    answer: We are open on weekdays.\n"

// An edit saved after the folder was fingerprinted but before the watcher's
// first check is picked up; a folder that goes away is reported once and
// the last good knowledge keeps serving.
func TestWatch(t *testing.T) {
	var logs lockedBuffer
	dir, l, loaded, eng := watchedFolder(t, &logs)
	live := answer.NewLive(eng)
	// Saved while the knowledge loaded (a later time, so the fingerprint changes).
	later := time.Now().Add(2 * time.Second)
	put(t, filepath.Join(dir, "more.yaml"), "entries:\n  - id: parking\n    question: Is there parking?\n    answer: There is street parking nearby.\n")
	os.Chtimes(filepath.Join(dir, "more.yaml"), later, later)

	var staff recordingDesk
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		l.Watch(ctx, live, loaded, 20*time.Millisecond, nil, &staff)
		close(done)
	}()
	defer func() { cancel(); <-done }()
	waitFor(t, "the edit made during loading to be reloaded", func() bool { _, ok := live.Engine().Entry("parking"); return ok })

	if err := os.Rename(dir, dir+".moved"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the missing folder to be reported", func() bool { return strings.Contains(logs.String(), "knowledge folder unreadable") })
	time.Sleep(100 * time.Millisecond)
	if n := strings.Count(logs.String(), "knowledge folder unreadable"); n != 1 {
		t.Errorf("missing folder reported %d times, want once:\n%s", n, logs.String())
	}
	if _, ok := live.Engine().Entry("hours"); !ok {
		t.Errorf("the last good knowledge stopped serving")
	}
	if err := os.Rename(dir+".moved", dir); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the folder to be back", func() bool { return strings.Contains(logs.String(), "knowledge folder readable again") })

	// The staff heard of the reload and of the missing folder.
	waitFor(t, "the staff to hear the folder is back", func() bool { return len(staff.events()) == 3 })
	got := staff.events()
	if got[0] != "loaded 2" || !strings.HasPrefix(got[1], "failed: the knowledge folder cannot be read: ") || got[2] != "loaded 2" {
		t.Errorf("staff heard %q, want the reload, the missing folder, and the folder back", got)
	}
}

// recordingDesk records what the watcher tells the staff.
type recordingDesk struct {
	mu  sync.Mutex
	got []string
}

func (r *recordingDesk) KnowledgeLoaded(_ string, entries int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, fmt.Sprintf("loaded %d", entries))
}

func (r *recordingDesk) KnowledgeFailed(problems []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, "failed: "+strings.Join(problems, "; "))
}

func (r *recordingDesk) events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// A file that must not be in the folder (too big, a named pipe, a link
// outside) is reported by name; the watcher goes on, and the last good
// knowledge keeps serving until the folder is right again.
func TestWatchRefusesBadFiles(t *testing.T) {
	var logs lockedBuffer
	dir, l, loaded, eng := watchedFolder(t, &logs)
	live := answer.NewLive(eng)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		l.Watch(ctx, live, loaded, 20*time.Millisecond, nil, nil)
		close(done)
	}()
	defer func() { cancel(); <-done }()

	big := filepath.Join(dir, "dump.yaml")
	put(t, big, strings.Repeat("# not knowledge\n", 300000)) // 4.8 MB
	waitFor(t, "the big file to be refused", func() bool {
		return strings.Contains(logs.String(), "dump.yaml: this file is 4.6 MB, more than a knowledge file may be")
	})
	os.Remove(big)
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644); err == nil {
		waitFor(t, "the pipe to be refused", func() bool { return strings.Contains(logs.String(), "pipe.yaml: this file is not an ordinary file") })
		os.Remove(filepath.Join(dir, "pipe.yaml"))
	}
	if _, ok := live.Engine().Entry("hours"); !ok {
		t.Errorf("the last good knowledge stopped serving")
	}
	// Fixed: the next edit is loaded.
	put(t, filepath.Join(dir, "more.yaml"), "entries:\n  - id: parking\n    question: Is there parking?\n    answer: There is street parking nearby.\n")
	waitFor(t, "the good edit to be loaded", func() bool { _, ok := live.Engine().Entry("parking"); return ok })
}

// reloadCounts is an answer.ReloadObserver for tests.
type reloadCounts struct {
	mu         sync.Mutex
	ok, failed int
	entries    int
}

func (r *reloadCounts) Reloaded(ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ok {
		r.ok++
	} else {
		r.failed++
	}
}

func (r *reloadCounts) Loaded(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = n
}

func (r *reloadCounts) get() (ok, failed, entries int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ok, r.failed, r.entries
}

// The watcher reports each reload to the metrics: a good edit with the new
// number of entries, a broken one as a failure.
func TestWatchCountsReloads(t *testing.T) {
	dir, l, loaded, eng := watchedFolder(t, nil)
	var counts reloadCounts
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		l.Watch(ctx, answer.NewLive(eng), loaded, 20*time.Millisecond, &counts, nil)
		close(done)
	}()
	defer func() { cancel(); <-done }()

	later := time.Now().Add(2 * time.Second)
	more := filepath.Join(dir, "more.yaml")
	put(t, more, "entries:\n  - id: parking\n    question: Is there parking?\n    answer: There is street parking nearby.\n")
	os.Chtimes(more, later, later)
	waitFor(t, "the good edit counted", func() bool { ok, _, n := counts.get(); return ok == 1 && n == 2 })

	put(t, more, "entries:\n  - id: parking\n    question: [broken\n")
	later = later.Add(time.Second)
	os.Chtimes(more, later, later)
	waitFor(t, "the broken edit counted", func() bool { _, failed, _ := counts.get(); return failed == 1 })
	if ok, _, n := counts.get(); ok != 1 || n != 2 {
		t.Errorf("after a broken edit: %d reloads, %d entries; want 1 and the last good 2", ok, n)
	}
}

// A folder broken while the bot was stopped does not keep it down: Start
// serves the last copy that loaded, with the folder's error; with no copy
// kept there is no engine.
func TestStartFallsBackOnTheLastGoodCopy(t *testing.T) {
	dir, l, _, _ := watchedFolder(t, nil)
	eng, from, err := l.Start()
	if err != nil || eng == nil || from != dir {
		t.Fatalf("Start of a good folder: %v, from %q, %v", eng, from, err)
	}
	put(t, filepath.Join(dir, "faq.yaml"), "entries:\n  - id: hours\n    question: [broken\n")
	eng, from, err = l.Start()
	if err == nil || eng == nil || !strings.HasPrefix(from, "the last good copy of "+dir) {
		t.Fatalf("Start of a broken folder: engine %v, from %q, err %v; want the kept copy and the error", eng != nil, from, err)
	}
	if _, ok := eng.Entry("hours"); !ok {
		t.Errorf("the kept copy has no entry hours")
	}
	if problems := l.Source.Problems(err); len(problems) == 0 || !strings.HasPrefix(problems[0], "faq.yaml:") {
		t.Errorf("problems %q, want them named within the folder", problems)
	}
	l.StateDir = t.TempDir() // nothing kept here
	if eng, _, err := l.Start(); eng != nil || err == nil {
		t.Errorf("with no copy kept: engine %v, err %v; want none and the error", eng != nil, err)
	}
}
