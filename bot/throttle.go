package bot

import (
	"sync"
	"time"
)

// throttle lets a repeated log line through at most once per interval and
// counts the ones it held back, so that a flood of bad requests cannot
// flood the logs (or the disk) too.
type throttle struct {
	every time.Duration
	now   func() time.Time

	mu   sync.Mutex
	last time.Time
	held int
}

// allow reports whether to log now, and how many lines were held back
// since the last one logged.
func (t *throttle) allow() (bool, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if !t.last.IsZero() && now.Sub(t.last) < t.every {
		t.held++
		return false, 0
	}
	held := t.held
	t.last, t.held = now, 0
	return true, held
}
