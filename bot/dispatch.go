package bot

import (
	"sync"
	"time"
)

// dispatcher runs the work for each update: one lane's updates one after
// another in arrival order (so replies keep the order of the questions),
// different lanes concurrently. A lane is a private chat, or one sender in
// a group, so that one person cannot hold up the others.
//
// It also bounds each lane: an update counts against its lane from the
// moment it is taken until its reply is sent, and past maxQueued the lane
// gets one notice instead of more answers (see Bot.flooded).
type dispatcher struct {
	maxQueued int

	mu      sync.Mutex
	queues  map[lane][]func() // per lane; present while a worker runs for it
	pending map[lane]int      // updates taken and not yet replied to, per lane
	noticed map[lane]bool     // lanes told to send one question at a time
	running int               // jobs queued or running
	closed  bool
	wg      sync.WaitGroup
}

// lane is whose messages are answered in order: a chat, or a sender in a
// group chat.
type lane struct{ chat, user int64 }

func newDispatcher(maxQueued int) *dispatcher {
	return &dispatcher{
		maxQueued: maxQueued,
		queues:    map[lane][]func(){},
		pending:   map[lane]int{},
		noticed:   map[lane]bool{},
	}
}

// submitResult says what became of a submitted job.
type submitResult int

const (
	accepted submitResult = iota
	refusedClosed
	refusedFull  // the lane is full; its notice is due
	refusedQuiet // the lane is full and was told so already
)

// submit queues run for l; l's pending count goes up until release(l).
func (d *dispatcher) submit(l lane, run func()) submitResult {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return refusedClosed
	}
	if d.pending[l] >= d.maxQueued {
		if d.noticed[l] {
			return refusedQuiet
		}
		d.noticed[l] = true
		return refusedFull
	}
	d.pending[l]++
	d.running++
	q, busy := d.queues[l]
	if busy {
		d.queues[l] = append(q, run)
		return accepted
	}
	d.queues[l] = nil
	d.wg.Add(1)
	go d.work(l, run)
	return accepted
}

// release says one of l's updates is replied to (sent, or given up).
func (d *dispatcher) release(l lane) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending[l]--; d.pending[l] <= 0 {
		delete(d.pending, l)
		delete(d.noticed, l) // the next flood gets a notice again
	}
}

// submitNow runs run at once, beside the lanes and whatever their length:
// for a reply that must not wait its turn (an emergency, a notice).
// Shutdown waits for it like any other job.
func (d *dispatcher) submitNow(run func()) submitResult {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return refusedClosed
	}
	d.running++
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		run()
		d.mu.Lock()
		d.running--
		d.mu.Unlock()
	}()
	return accepted
}

// work runs run, then l's queued jobs, until the queue is empty.
func (d *dispatcher) work(l lane, run func()) {
	defer d.wg.Done()
	for {
		run()
		d.mu.Lock()
		d.running--
		q := d.queues[l]
		if len(q) == 0 {
			delete(d.queues, l)
			d.mu.Unlock()
			return
		}
		run, d.queues[l] = q[0], q[1:]
		d.mu.Unlock()
	}
}

// isClosed reports whether shutdown has begun.
func (d *dispatcher) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// closeAndWait refuses new jobs and waits up to grace for the queued ones;
// it returns how many were still unfinished.
func (d *dispatcher) closeAndWait(grace time.Duration) int {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	t := time.NewTimer(max(grace, 0))
	defer t.Stop()
	select {
	case <-done:
		return 0
	case <-t.C:
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.running
	}
}

// wait waits for every worker to return.
func (d *dispatcher) wait() { d.wg.Wait() }
