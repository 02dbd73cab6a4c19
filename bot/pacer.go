package bot

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Telegram's limits on sending (https://core.telegram.org/bots/faq): about
// 30 messages a second in all, one a second in a chat (short bursts are
// tolerated), 20 a minute in a group. The pacer stays a little under them.
const (
	globalRate   = 27                      // messages a second, all chats together
	chatInterval = 1050 * time.Millisecond // between messages in a private chat, after chatBurst
	chatBurst    = 2                       // messages a new conversation may get at once
	groupRate    = 20.0 / 60               // messages a second in a group
	chatIdleTTL  = time.Minute             // a chat idle this long starts afresh
)

// pacer hands out permission to send, at most globalRate a second, urgent
// requests first. Each chat has its own bucket on top (see chatLimiter).
type pacer struct {
	global *rate.Limiter
	urgent chan grant
	normal chan grant

	waiting atomic.Int64 // sends waiting for a token

	mu    sync.Mutex
	chats map[int64]*chatBucket
}

type chatBucket struct {
	lim  *rate.Limiter
	used time.Time
	sent int
}

func newPacer(perSecond float64) *pacer {
	return &pacer{
		global: rate.NewLimiter(rate.Limit(perSecond), 1),
		urgent: make(chan grant),
		normal: make(chan grant),
		chats:  map[int64]*chatBucket{},
	}
}

// grant is one permission to send: ready is closed when the send may go;
// the sender closes started as its request leaves.
type grant struct{ ready, started chan struct{} }

// startWait bounds how long the pacer waits for a granted send to leave
// before granting the next.
const startWait = time.Second

// run grants permissions until ctx ends: the longest-waiting urgent
// request first, else the longest-waiting normal one, each when the
// global bucket has a token for it. The next grant waits until the last
// granted request has left, so a sender held up between its grant and its
// request (writing the state) cannot make requests bunch up later.
func (p *pacer) run(ctx context.Context) {
	prune := time.NewTicker(chatIdleTTL)
	defer prune.Stop()
	for {
		var g grant
		select {
		case g = <-p.urgent:
		default:
			select {
			case g = <-p.urgent:
			case g = <-p.normal:
			case <-prune.C:
				p.pruneChats()
				continue
			case <-ctx.Done():
				return
			}
		}
		if err := p.global.Wait(ctx); err != nil {
			return
		}
		close(g.ready)
		t := time.NewTimer(startWait)
		select {
		case <-g.started:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
}

// wait blocks until a send may go, or ctx ends. The caller must call
// started just before its request leaves (or when it gives up).
func (p *pacer) wait(ctx context.Context, urgent bool) (started func(), err error) {
	q := p.normal
	if urgent {
		q = p.urgent
	}
	p.waiting.Add(1)
	defer p.waiting.Add(-1)
	g := grant{ready: make(chan struct{}), started: make(chan struct{})}
	var once sync.Once
	started = func() { once.Do(func() { close(g.started) }) }
	select {
	case q <- g:
	case <-ctx.Done():
		return started, ctx.Err()
	}
	select {
	case <-g.ready:
		return started, nil
	case <-ctx.Done():
		return started, ctx.Err()
	}
}

// spare reports whether no send is waiting: requests that are only a
// courtesy ("typing…") are made then, and skipped when the bot is busy.
func (p *pacer) spare() bool { return p.waiting.Load() == 0 }

// waitChat blocks until chat may get its next message. A conversation
// may start with chatBurst messages at once; after that the chat gets one
// every chatInterval (a group, groupRate a second), however long it was
// idle, until it has been idle for chatIdleTTL. An urgent message does
// not wait, but counts against the chat's bucket.
func (p *pacer) waitChat(ctx context.Context, chat int64, group, urgent bool) error {
	p.mu.Lock()
	c := p.chats[chat]
	if c == nil {
		lim := rate.NewLimiter(rate.Every(chatInterval), chatBurst)
		if group {
			lim = rate.NewLimiter(groupRate, chatBurst)
		}
		c = &chatBucket{lim: lim}
		p.chats[chat] = c
	}
	c.used = time.Now()
	if c.sent++; c.sent == chatBurst {
		c.lim.SetBurst(1)
	}
	lim := c.lim
	p.mu.Unlock()
	if urgent {
		lim.Reserve()
		return nil
	}
	return lim.Wait(ctx)
}

func (p *pacer) pruneChats() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, c := range p.chats {
		// Waits end within seconds of used, long before the TTL.
		if time.Since(c.used) > chatIdleTTL {
			delete(p.chats, id)
		}
	}
}
