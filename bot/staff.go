package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/answer"
)

// Staff configures the clinic staff's side of the bot. It is all off
// when ChatIDs is empty.
type Staff struct {
	// ChatIDs are the staff's chats (private chats or a staff group).
	// They hear of broken knowledge edits and of call-back requests, and
	// only they may use /status, /unanswered and /stats.
	ChatIDs []int64
	// Unanswered returns the unanswered questions of the last seven days
	// as /unanswered shows them; nil when the unanswered log is off.
	Unanswered func() string
	// NextSteps is what a patient is told once their call-back request is
	// sent (what happens next, how long it may take).
	NextSteps string
}

// maxProblemsShown bounds the problems listed in one staff message.
const maxProblemsShown = 15

// desk is what the bot knows for the staff: the knowledge's state, this
// week's counts and the call-back requests waiting. It keeps no message
// text; all of it lives in memory only.
type desk struct {
	chats []int64
	now   func() time.Time

	mu       sync.Mutex
	started  time.Time
	from     string    // where the serving knowledge came from
	entries  int       // entries serving
	loaded   time.Time // when the serving knowledge loaded
	problems []string  // why the folder does not load now; nil when it does
	failedAt time.Time // when it first failed to load
	days     [7]dayCount
	calls    callRequests
}

// dayCount is one day's replies, by kind.
type dayCount struct {
	day       int64 // days since 1970, UTC
	questions int
	kinds     map[answer.Kind]int
}

func newDesk(chats []int64, now func() time.Time) *desk {
	return &desk{chats: slices.Clone(chats), now: now, started: now()}
}

// on reports whether staff chats are set.
func (d *desk) on() bool { return len(d.chats) > 0 }

func (d *desk) isStaff(chat int64) bool { return slices.Contains(d.chats, chat) }

// tally counts one reply to a patient's message.
func (d *desk) tally(k answer.Kind) {
	d.mu.Lock()
	defer d.mu.Unlock()
	day := d.now().UTC().Unix() / 86400
	c := &d.days[day%7]
	if c.day != day {
		*c = dayCount{day: day}
	}
	c.questions++
	if c.kinds == nil {
		c.kinds = map[answer.Kind]int{}
	}
	c.kinds[k]++
}

// week sums the last seven days' counts.
func (d *desk) week() dayCount {
	d.mu.Lock()
	defer d.mu.Unlock()
	today := d.now().UTC().Unix() / 86400
	sum := dayCount{kinds: map[answer.Kind]int{}}
	for _, c := range d.days {
		if c.day > today-7 && c.day <= today {
			sum.questions += c.questions
			for k, n := range c.kinds {
				sum.kinds[k] += n
			}
		}
	}
	return sum
}

// KnowledgeLoaded records that knowledge with the given number of entries,
// read from from, is now serving. If the knowledge had failed to load
// before, the staff chats are told it loads again.
func (b *Bot) KnowledgeLoaded(from string, entries int) {
	d := b.desk
	d.mu.Lock()
	wasBroken := d.problems != nil
	d.from, d.entries, d.loaded, d.problems = from, entries, d.now(), nil
	d.mu.Unlock()
	if wasBroken {
		b.tellStaff(fmt.Sprintf("knowledge loaded again: %d entries. Patients now get the edited version.", entries))
	}
}

// KnowledgeFailed records that the knowledge folder does not load, with
// its problems (each "file:line: what is wrong"), and tells the staff
// chats, once for each new set of problems. Patients keep getting the
// knowledge that loaded last.
func (b *Bot) KnowledgeFailed(problems []string) {
	if len(problems) == 0 {
		problems = []string{"the knowledge folder could not be read"}
	}
	d := b.desk
	d.mu.Lock()
	same := slices.Equal(d.problems, problems)
	if d.problems == nil {
		d.failedAt = d.now()
	}
	d.problems = slices.Clone(problems)
	entries := d.entries
	d.mu.Unlock()
	if same {
		return // said already
	}
	var s strings.Builder
	if entries > 0 {
		fmt.Fprintf(&s, "The knowledge did not load after the last edit, so patients still get the last version that loaded (%d entries).\n\n", entries)
	} else {
		s.WriteString("The knowledge did not load after the last edit.\n\n")
	}
	s.WriteString(problemList(problems))
	s.WriteString("\n\nFix the file and save it again; I will tell you here when it loads. (clinicbot validate lists the same problems.)")
	b.tellStaff(s.String())
}

// problemList lists problems one a line, at most maxProblemsShown.
func problemList(problems []string) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%d problem%s:", len(problems), plural(len(problems)))
	for i, p := range problems {
		if i == maxProblemsShown {
			fmt.Fprintf(&s, "\n… and %d more", len(problems)-i)
			break
		}
		s.WriteString("\n• " + p)
	}
	return s.String()
}

// tellStaff sends text to every staff chat, without waiting.
func (b *Bot) tellStaff(text string) {
	for _, id := range b.desk.chats {
		b.notify(target{chat: id, lane: id}, compose("", text, nil))
	}
}

// setStaffCommands shows the staff commands in the staff chats' command
// menus, after the patients' ones. A failure is logged, not fatal.
func (b *Bot) setStaffCommands(ctx context.Context) {
	cmds := menu(b.opts.Telegram.Profile.Commands, true)
	for _, id := range b.desk.chats {
		err := b.call(ctx, "setMyCommands", setupBudget, true, func(ctx context.Context) error {
			_, err := b.tg.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, Scope: &models.BotCommandScopeChat{ChatID: id}})
			return err
		})
		if err != nil && ctx.Err() == nil {
			b.log.Warn("telegram: could not set a staff chat's command menu", "chat", b.chatHash(id), "error", b.scrub(err))
		}
	}
}

func (b *Bot) statusText() string {
	d := b.desk
	d.mu.Lock()
	defer d.mu.Unlock()
	var s strings.Builder
	fmt.Fprintf(&s, "Knowledge: %d entries from %s, loaded %s.\n", d.entries, d.from, d.loaded.UTC().Format("2 Jan 2006 15:04 MST"))
	if d.problems == nil {
		s.WriteString("No problems: the folder loaded as it is now.")
	} else {
		fmt.Fprintf(&s, "The folder has not loaded since %s, so patients get the version above. ", d.failedAt.UTC().Format("2 Jan 15:04 MST"))
		s.WriteString(problemList(d.problems))
	}
	if n := d.calls.waiting(); n > 0 {
		fmt.Fprintf(&s, "\n\nCall-back requests nobody has taken yet: %d.", n)
	}
	return s.String()
}

func (b *Bot) statsText() string {
	c := b.desk.week()
	s := fmt.Sprintf("Questions: %d\nAnswered: %d\n\"Did you mean\" choices: %d\n\"I don't know\" replies: %d\nGreetings and thanks: %d\nUrgent replies (emergency advice): %d",
		c.questions, c.kinds[answer.KindAnswer], c.kinds[answer.KindChoices], c.kinds[answer.KindFallback], c.kinds[answer.KindSmalltalk], c.kinds[answer.KindUrgent])
	d := b.desk
	if since := d.now().Sub(d.started); since < 7*24*time.Hour {
		s += fmt.Sprintf("\n\nCounted since the bot started, %s (counts start again at each restart).", d.started.UTC().Format("2 Jan 2006 15:04 MST"))
	}
	return s
}
