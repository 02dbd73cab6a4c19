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
	globalRate  = 28          // messages a second, all chats together
	chatRate    = 1           // messages a second in a private chat, after chatBurst
	chatBurst   = 2           // messages a chat may get at once before chatRate applies
	groupRate   = 20.0 / 60   // messages a second in a group
	groupBurst  = 2           //
	chatIdleTTL = time.Minute // an idle chat's bucket is full again long before this
)

// pacer hands out permission to send, at most globalRate a second, urgent
// requests first. Each chat has its own bucket on top (see chatLimiter).
type pacer struct {
	global *rate.Limiter
	urgent chan chan struct{}
	normal chan chan struct{}

	waiting atomic.Int64 // sends waiting for a token

	mu    sync.Mutex
	chats map[int64]*chatBucket
}

type chatBucket struct {
	lim  *rate.Limiter
	used time.Time
}

func newPacer(perSecond float64) *pacer {
	return &pacer{
		global: rate.NewLimiter(rate.Limit(perSecond), 1),
		urgent: make(chan chan struct{}),
		normal: make(chan chan struct{}),
		chats:  map[int64]*chatBucket{},
	}
}

// run grants permissions until ctx ends: whenever the global bucket has a
// token, the longest-waiting urgent request gets it, else a normal one.
func (p *pacer) run(ctx context.Context) {
	prune := time.NewTicker(chatIdleTTL)
	defer prune.Stop()
	for {
		if err := p.global.Wait(ctx); err != nil {
			return
		}
		var g chan struct{}
		select {
		case g = <-p.urgent:
		default:
			select {
			case g = <-p.urgent:
			case g = <-p.normal:
			case <-prune.C:
				p.pruneChats()
				select { // the token is still ours
				case g = <-p.urgent:
				case g = <-p.normal:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
		close(g)
	}
}

// wait blocks until a send may go, or ctx ends.
func (p *pacer) wait(ctx context.Context, urgent bool) error {
	q := p.normal
	if urgent {
		q = p.urgent
	}
	p.waiting.Add(1)
	defer p.waiting.Add(-1)
	g := make(chan struct{})
	select {
	case q <- g:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-g:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// spare reports whether no send is waiting: requests that are only a
// courtesy ("typing…") are made then, and skipped when the bot is busy.
func (p *pacer) spare() bool { return p.waiting.Load() == 0 }

// chat returns chat's bucket.
func (p *pacer) chat(chat int64, group bool) *rate.Limiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.chats[chat]
	if c == nil {
		lim := rate.NewLimiter(chatRate, chatBurst)
		if group {
			lim = rate.NewLimiter(groupRate, groupBurst)
		}
		c = &chatBucket{lim: lim}
		p.chats[chat] = c
	}
	c.used = time.Now()
	return c.lim
}

// waitChat blocks until chat may get its next message; an urgent message
// does not wait, but still counts against the chat's bucket.
func (p *pacer) waitChat(ctx context.Context, chat int64, group, urgent bool) error {
	lim := p.chat(chat, group)
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
		if time.Since(c.used) > chatIdleTTL {
			delete(p.chats, id)
		}
	}
}
