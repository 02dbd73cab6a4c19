package main

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
	"github.com/clinicbot/clinicbot/config"
)

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
	dir := filepath.Join(t.TempDir(), "kb")
	writeFile(t, filepath.Join(dir, "faq.yaml"), hoursEntry)
	src := source{dir: dir}
	cfg := config.Default()
	cfg.StateDir = t.TempDir()
	loaded, err := fingerprint(src)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := buildEngine(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	live := answer.NewLive(eng)
	// Saved while the knowledge loaded (a later time, so the fingerprint changes).
	later := time.Now().Add(2 * time.Second)
	writeFile(t, filepath.Join(dir, "more.yaml"), "entries:\n  - id: parking\n    question: Is there parking?\n    answer: There is street parking nearby.\n")
	os.Chtimes(filepath.Join(dir, "more.yaml"), later, later)

	var logs lockedBuffer
	var staff recordingDesk
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		watch(ctx, src, cfg, live, loaded, 20*time.Millisecond, slog.New(slog.NewTextHandler(&logs, nil)), nil, &staff)
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
	dir := filepath.Join(t.TempDir(), "kb")
	writeFile(t, filepath.Join(dir, "faq.yaml"), hoursEntry)
	src := source{dir: dir}
	cfg := config.Default()
	cfg.StateDir = t.TempDir()
	loaded, err := fingerprint(src)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := buildEngine(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	live := answer.NewLive(eng)
	var logs lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		watch(ctx, src, cfg, live, loaded, 20*time.Millisecond, slog.New(slog.NewTextHandler(&logs, nil)), nil, nil)
		close(done)
	}()
	defer func() { cancel(); <-done }()

	big := filepath.Join(dir, "dump.yaml")
	writeFile(t, big, strings.Repeat("# not knowledge\n", 300000)) // 4.8 MB
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
	writeFile(t, filepath.Join(dir, "more.yaml"), "entries:\n  - id: parking\n    question: Is there parking?\n    answer: There is street parking nearby.\n")
	waitFor(t, "the good edit to be loaded", func() bool { _, ok := live.Engine().Entry("parking"); return ok })
}
