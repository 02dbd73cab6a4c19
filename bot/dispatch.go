package bot

import (
	"sync"
	"time"
)

// dispatcher runs the work for each update: one chat's updates one after
// another in arrival order (so replies keep the order of the questions),
// different chats concurrently. It also remembers recent update ids, so an
// update Telegram delivers twice is answered once, and which updates are
// done, so polling can confirm them at shutdown.
type dispatcher struct {
	maxQueued int

	mu       sync.Mutex
	queues   map[int64][]job // per chat; present while a worker runs for the chat
	inflight map[int64]int   // update id -> count, accepted and not (successfully) finished
	maxID    int64           // highest update id seen
	seen     map[int64]bool  // recent update ids
	ring     []int64         // the same ids, oldest first, to forget them in order
	closed   bool
	wg       sync.WaitGroup
}

// job is the work for one update; run reports whether it finished, false
// when shutdown cut it short (the update is then not confirmed).
type job struct {
	update int64
	run    func() bool
}

const rememberedUpdates = 4096

func newDispatcher(maxQueued int) *dispatcher {
	return &dispatcher{
		maxQueued: maxQueued,
		queues:    map[int64][]job{},
		inflight:  map[int64]int{},
		seen:      map[int64]bool{},
	}
}

// observe records update id and reports whether it is new. Id 0 (never
// sent by Telegram) is always new.
func (d *dispatcher) observe(id int64) bool {
	if id == 0 {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[id] {
		return false
	}
	d.seen[id] = true
	d.ring = append(d.ring, id)
	if len(d.ring) > rememberedUpdates {
		delete(d.seen, d.ring[0])
		d.ring = d.ring[1:]
	}
	d.maxID = max(d.maxID, id)
	return true
}

// submitResult says what became of a submitted job.
type submitResult int

const (
	accepted submitResult = iota
	refusedClosed
	refusedFull
)

// submit queues run for chat.
func (d *dispatcher) submit(chat, update int64, run func() bool) submitResult {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return refusedClosed
	}
	q, busy := d.queues[chat]
	if busy && len(q) >= d.maxQueued {
		return refusedFull
	}
	d.inflight[update]++
	j := job{update: update, run: run}
	if busy {
		d.queues[chat] = append(q, j)
		return accepted
	}
	d.queues[chat] = nil
	d.wg.Add(1)
	go d.work(chat, j)
	return accepted
}

// submitNow runs run at once, beside the chat queues and whatever their
// length: for a reply that must not wait its turn (an emergency). Shutdown
// waits for it like any other job.
func (d *dispatcher) submitNow(update int64, run func() bool) submitResult {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return refusedClosed
	}
	d.inflight[update]++
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		finished := run()
		d.mu.Lock()
		defer d.mu.Unlock()
		d.finishLocked(update, finished)
	}()
	return accepted
}

// finishLocked marks a job's update done, if it finished.
func (d *dispatcher) finishLocked(update int64, finished bool) {
	if finished {
		if d.inflight[update]--; d.inflight[update] <= 0 {
			delete(d.inflight, update)
		}
	}
}

// work runs j, then the chat's queued jobs, until the queue is empty.
func (d *dispatcher) work(chat int64, j job) {
	defer d.wg.Done()
	for {
		finished := j.run()
		d.mu.Lock()
		d.finishLocked(j.update, finished)
		q := d.queues[chat]
		if len(q) == 0 {
			delete(d.queues, chat)
			d.mu.Unlock()
			return
		}
		j, d.queues[chat] = q[0], q[1:]
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
// it returns how many updates were still unfinished.
func (d *dispatcher) closeAndWait(grace time.Duration) int {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return 0
	case <-t.C:
		d.mu.Lock()
		defer d.mu.Unlock()
		return len(d.inflight)
	}
}

// wait waits for every worker to return.
func (d *dispatcher) wait() { d.wg.Wait() }

// confirmOffset is the getUpdates offset that confirms every finished
// update and no unfinished one: the lowest unfinished id, or one past the
// highest seen. 0 means nothing to confirm.
func (d *dispatcher) confirmOffset() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.maxID == 0 {
		return 0
	}
	off := d.maxID + 1
	for id := range d.inflight {
		if id > 0 && id < off {
			off = id
		}
	}
	return off
}
