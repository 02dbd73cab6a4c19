package bot_test

import (
	"html"
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/bot"
)

const (
	staffChat = 7001
	patientID = 7002
)

func staffSetup(extra func(*bot.Options)) setup {
	return setup{opts: func(o *bot.Options) {
		o.Staff = bot.Staff{ChatIDs: []int64{staffChat}, Unanswered: func() string { return "2× \"do you take bupa\"" }}
		if extra != nil {
			extra(o)
		}
	}}
}

// sentTo returns the messages sent to chat so far.
func sentTo(e *env, chat int64) []string {
	var out []string
	for _, c := range e.srv.Sent() {
		if c.ChatID() == chat {
			out = append(out, c.Text())
		}
	}
	return out
}

func TestStaffCommandsOnlyInStaffChats(t *testing.T) {
	e := start(t, staffSetup(nil))
	e.bot.KnowledgeLoaded("the clinic's folder", 35)
	for _, cmd := range []string{"/status", "/unanswered", "/stats"} {
		e.say(patientID, cmd)
	}
	e.sent(3)
	for i, text := range sentTo(e, patientID) {
		if !strings.HasPrefix(html.UnescapeString(text), "Sorry, I don't know that command.") {
			t.Errorf("patient's command %d got %q, want the unknown-command reply", i+1, text)
		}
	}

	// Questions are counted for /stats, without their text.
	e.say(patientID, "how do I book a consultation?")
	e.say(patientID, "what is the price of bitcoin in yen")
	e.sent(5)
	e.say(staffChat, "/status")
	e.sent(6)
	e.say(staffChat, "/unanswered")
	e.sent(7)
	e.say(staffChat, "/stats")
	got := e.sent(8)
	staff := sentTo(e, staffChat)
	if len(staff) != 3 {
		t.Fatalf("staff chat got %d messages, want 3: %q", len(staff), staff)
	}
	if !strings.Contains(staff[0], "Knowledge: 35 entries from the clinic&#39;s folder") || !strings.Contains(staff[0], "No problems") {
		t.Errorf("/status: %q", staff[0])
	}
	if !strings.Contains(staff[1], "2× &#34;do you take bupa&#34;") {
		t.Errorf("/unanswered: %q", staff[1])
	}
	if !strings.Contains(staff[2], "Questions: 2\nAnswered: ") || strings.Contains(staff[2], "bitcoin") {
		t.Errorf("/stats: %q", staff[2])
	}
	_ = got
}

func TestStaffHearOfBrokenKnowledge(t *testing.T) {
	e := start(t, staffSetup(nil))
	e.bot.KnowledgeLoaded("kb", 35)
	problems := []string{"practical.yaml:12: use spaces, not a tab, to indent"}
	e.bot.KnowledgeFailed(problems)
	e.bot.KnowledgeFailed(problems) // the same problems: said once
	msgs := e.sent(1)
	if want := "The knowledge did not load after the last edit, so patients still get the last version that loaded (35 entries).\n\n1 problem:\n• practical.yaml:12: use spaces, not a tab, to indent"; !strings.HasPrefix(msgs[0].Text(), want) || msgs[0].ChatID() != staffChat {
		t.Errorf("sent %q to %d, want it to start %q", msgs[0].Text(), msgs[0].ChatID(), want)
	}
	e.say(staffChat, "/status")
	e.sent(2)
	if s := sentTo(e, staffChat)[1]; !strings.Contains(s, "has not loaded since") || !strings.Contains(s, "practical.yaml:12") {
		t.Errorf("/status while broken: %q", s)
	}
	e.bot.KnowledgeLoaded("kb", 37)
	msgs = e.sent(3)
	if got := msgs[2].Text(); !strings.HasPrefix(got, "knowledge loaded again: 37 entries") {
		t.Errorf("after the fix: %q", got)
	}
	e.quiet(3)
}

func TestStaffCommandMenu(t *testing.T) {
	e := start(t, staffSetup(nil))
	e.say(patientID, "/start")
	e.sent(1) // the bot is set up by now
	staff := e.srv.CommandsFor(`{"type":"chat","chat_id":7001}`, "")
	if !strings.Contains(staff, `"command":"status"`) || !strings.Contains(staff, `"command":"book"`) {
		t.Errorf("staff chat menu: %s", staff)
	}
	if strings.Contains(e.srv.Commands(), "status") {
		t.Errorf("patients' menu shows staff commands: %s", e.srv.Commands())
	}
}

func TestChatID(t *testing.T) {
	e := start(t, setup{})
	e.say(patientID, "/chatid")
	if got := e.sent(1)[0].Text(); !strings.HasPrefix(got, "This chat&#39;s id is 7002. To make it a staff chat") {
		t.Errorf("/chatid: %q", got)
	}
}

func TestNoStaffChatsNoStaffMessages(t *testing.T) {
	e := start(t, setup{})
	e.bot.KnowledgeLoaded("kb", 35)
	e.bot.KnowledgeFailed([]string{"a.yaml:1: broken"})
	e.bot.KnowledgeLoaded("kb", 35)
	e.say(patientID, "/status")
	e.sent(1)
	e.quiet(1)
}
