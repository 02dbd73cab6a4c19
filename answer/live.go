package answer

import "sync/atomic"

// Live holds the engine currently serving. Reloading knowledge builds a new
// engine and swaps it in at once; replies already in progress finish on the
// engine they started with.
type Live struct {
	p atomic.Pointer[Engine]
}

// NewLive returns a Live serving e.
func NewLive(e *Engine) *Live {
	l := &Live{}
	l.p.Store(e)
	return l
}

// Engine returns the engine serving now.
func (l *Live) Engine() *Engine { return l.p.Load() }

// Swap puts e in service and returns the engine it replaces.
func (l *Live) Swap(e *Engine) *Engine { return l.p.Swap(e) }
