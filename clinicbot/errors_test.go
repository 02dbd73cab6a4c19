package clinicbot_test

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/clinicbot/clinicbot/clinicbot"
)

func TestSplitYAMLLine(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		line int
		rest string
	}{
		{"line 3: did not find expected key", 3, "did not find expected key"},
		{"unmarshal errors:\n  line 12: field x not found", 12, "unmarshal errors:\n  field x not found"},
		{"control characters are not allowed", 0, "control characters are not allowed"},
	} {
		if line, rest := clinicbot.SplitYAMLLine(tc.msg); line != tc.line || rest != tc.rest {
			t.Errorf("SplitYAMLLine(%q) = %d, %q; want %d, %q", tc.msg, line, rest, tc.line, tc.rest)
		}
	}
}

// Every loader's problems read the same, and a joined error lists them all.
func TestProblems(t *testing.T) {
	entries := clinicbot.ErrorList{
		{Pos: clinicbot.Pos{File: "b.yaml", Line: 4}, EntryID: "hours", Msg: "missing or empty `answer`"},
		{Pos: clinicbot.Pos{File: "a.yaml", Line: 9}, Msg: "unknown field"},
	}
	entries.Sort()
	entries.InDir("kb")
	rules := clinicbot.ErrorList{{Pos: clinicbot.Pos{File: clinicbot.RedFlagsFile}, Msg: "the file is empty"}}
	got, ok := clinicbot.Problems(errors.Join(fmt.Errorf("loading: %w", entries), rules, errors.New("one\ntwo")))
	want := []string{
		filepath.Join("kb", "a.yaml") + ":9: unknown field",
		filepath.Join("kb", "b.yaml") + ":4: entry \"hours\": missing or empty `answer`",
		"red_flags.yaml: the file is empty",
		"one", "two",
	}
	if !ok || !slices.Equal(got, want) {
		t.Errorf("Problems = %q, %v; want %q", got, ok, want)
	}
	if _, ok := clinicbot.Problems(fmt.Errorf("knowledge folder: %w", fs.ErrNotExist)); ok {
		t.Errorf("a missing folder was listed as a problem in a file")
	}
}
