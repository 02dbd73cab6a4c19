package state_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/state"
)

func upd(id int64) state.Update {
	return state.Update{ID: id, Raw: json.RawMessage(`{"update_id":` + itoa(id) + `}`)}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestTakeFinishSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := s.Take([]state.Update{upd(10), upd(11), upd(12)})
	if err != nil || len(fresh) != 3 {
		t.Fatalf("take: %v %v", fresh, err)
	}
	// Telegram delivers 11 and 12 again, with 13.
	fresh, err = s.Take([]state.Update{upd(11), upd(12), upd(13)})
	if err != nil || len(fresh) != 1 || fresh[0].ID != 13 {
		t.Fatalf("redelivery taken again: %v %v", fresh, err)
	}
	if off, _ := s.Offset(); off != 14 {
		t.Errorf("offset %d, want 14", off)
	}
	replies, err := s.Finish(11, []state.Reply{
		{Update: 11, Part: 1, Parts: 2, Chat: 5, Lane: 5, Payload: json.RawMessage(`"a"`)},
		{Update: 11, Part: 2, Parts: 2, Chat: 5, Lane: 5, Payload: json.RawMessage(`"b"`)},
	})
	if err != nil || len(replies) != 2 || replies[0].Key == 0 || replies[1].Key <= replies[0].Key {
		t.Fatalf("finish: %+v %v", replies, err)
	}
	if n, err := s.Attempt(replies[0].Key); err != nil || n != 1 {
		t.Fatalf("attempt: %d %v", n, err)
	}
	if err := s.Done(replies[1].Key); err != nil {
		t.Fatal(err)
	}
	if !s.Answered(11) || s.Answered(12) {
		t.Errorf("answered: 11 %v, 12 %v", s.Answered(11), s.Answered(12))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	taken, err := s.Taken()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, u := range taken {
		ids = append(ids, u.ID)
	}
	if len(ids) != 3 || ids[0] != 10 || ids[1] != 12 || ids[2] != 13 {
		t.Errorf("taken after reopen: %v, want [10 12 13]", ids)
	}
	if string(taken[0].Raw) != `{"update_id":10}` {
		t.Errorf("raw update %s", taken[0].Raw)
	}
	out, err := s.Outbox()
	if err != nil || len(out) != 1 {
		t.Fatalf("outbox after reopen: %+v %v", out, err)
	}
	if o := out[0]; o.Key != replies[0].Key || o.Attempts != 1 || string(o.Payload) != `"a"` || o.Part != 1 || o.Parts != 2 || o.Chat != 5 {
		t.Errorf("outbox entry %+v", o)
	}
	if fresh, _ := s.Take([]state.Update{upd(11)}); len(fresh) != 0 {
		t.Errorf("an answered update was taken again after reopen")
	}
}

func TestForgetOldAnswers(t *testing.T) {
	s, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for id := int64(1); id <= 5; id++ {
		s.Take([]state.Update{upd(id)})
		if _, err := s.Finish(id, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Forget(time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("forgot %d recent answers (%v)", n, err)
	}
	if n, err := s.Forget(time.Now().Add(time.Hour)); err != nil || n != 5 {
		t.Errorf("forgot %d of 5 old answers (%v)", n, err)
	}
	if s.Answered(3) {
		t.Errorf("a forgotten answer is still known")
	}
}

func TestSecondProcessRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the lock")
	}
	dir := t.TempDir()
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = state.Open(dir)
	if err == nil || !strings.Contains(err.Error(), "in use by another clinicbot process") {
		t.Errorf("second open: %v", err)
	}
}

func TestOpenNeedsFolder(t *testing.T) {
	if _, err := state.Open(""); err == nil {
		t.Error("opened a state without a folder")
	}
}
