package answer

import (
	"context"
	"fmt"
	"os"
	"time"
)

// StaffDesk hears how loading the knowledge goes; the Telegram bot tells
// the staff chats.
type StaffDesk interface {
	KnowledgeLoaded(from string, entries int)
	KnowledgeFailed(problems []string)
}

// ReloadObserver hears of knowledge reloads (the metrics).
type ReloadObserver interface {
	Reloaded(ok bool)
	Loaded(entries int)
}

// retireAfter is how long a replaced engine lives on for the replies that
// started on it.
const retireAfter = time.Minute

// Watch rebuilds the engine serving in live whenever the knowledge folder
// changes, until ctx ends. A folder with errors is reported, file and line,
// and the last good knowledge keeps serving. It polls every so often,
// rather than using file events, because editors save by renaming and
// network or container mounts often send no events at all.
//
// last is the folder's Fingerprint when the serving knowledge was read;
// reloads, if not nil, hears of each reload, and staff, if not nil, is
// told of each broken edit and each fix.
func (l Loader) Watch(ctx context.Context, live *Live, last string, every time.Duration, reloads ReloadObserver, staff StaffDesk) {
	if reloads == nil {
		reloads = noReloads{}
	}
	if staff == nil {
		staff = noStaff{}
	}
	src, log := l.Source, l.Log
	t := time.NewTicker(every)
	defer t.Stop()
	unreadable := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fp, err := Fingerprint(src)
		if err != nil {
			if !unreadable {
				// Said once: a folder moved away may come back.
				log.Error("knowledge folder unreadable; the last good knowledge keeps serving", "err", err.Error())
				staff.KnowledgeFailed([]string{"the knowledge folder cannot be read: " + err.Error()})
				unreadable = true
			}
			continue
		}
		if unreadable {
			log.Info("knowledge folder readable again", "dir", src.Dir)
			unreadable = false
			if fp == last {
				// Back as it was: the knowledge serving is the folder's.
				staff.KnowledgeLoaded(src.Dir, len(live.Engine().Base().Entries))
			}
		}
		if fp == last {
			continue
		}
		last = fp
		eng, err := l.Build()
		if err != nil {
			log.Error("knowledge not reloaded; the last good knowledge keeps serving", "err", err.Error())
			reloads.Reloaded(false)
			staff.KnowledgeFailed(src.Problems(err))
			continue
		}
		old := live.Swap(eng)
		// Replies already running on the old engine finish first.
		time.AfterFunc(retireAfter, func() { old.Close() })
		log.Info("knowledge reloaded", "entries", len(eng.Base().Entries))
		reloads.Reloaded(true)
		reloads.Loaded(len(eng.Base().Entries))
		l.keepCopy()
		staff.KnowledgeLoaded(src.Dir, len(eng.Base().Entries))
	}
}

type noReloads struct{}

func (noReloads) Reloaded(bool) {}
func (noReloads) Loaded(int)    {}

// noStaff is the StaffDesk of a watch that tells no one.
type noStaff struct{}

func (noStaff) KnowledgeLoaded(string, int) {}
func (noStaff) KnowledgeFailed([]string)    {}

// Fingerprint summarises the names, sizes and times of the files a source
// reads: Watch reloads when it changes.
func Fingerprint(src Source) (string, error) {
	entries, err := os.ReadDir(src.Dir)
	if err != nil {
		return "", err
	}
	fp := ""
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		fp += fmt.Sprintf("%s:%d:%d;", e.Name(), info.Size(), info.ModTime().UnixNano())
	}
	if src.Settings != "" {
		if info, err := os.Stat(src.Settings); err == nil {
			fp += fmt.Sprintf("settings:%d:%d", info.Size(), info.ModTime().UnixNano())
		}
	}
	return fp, nil
}
