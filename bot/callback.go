package bot

import "sync"

// callRequests are the call-back requests sent to the staff chats, kept
// in memory only until a member of staff takes them.
type callRequests struct {
	mu   sync.Mutex
	open map[string]bool
}

// waiting counts the requests nobody has taken.
func (c *callRequests) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.open)
}
