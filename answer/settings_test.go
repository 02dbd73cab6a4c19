package answer_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/answer"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefaultSettingsValid(t *testing.T) {
	s := answer.DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if !(s.Choices < s.Answer) {
		t.Errorf("defaults %+v: choices not below answer", s)
	}
}

func TestLoadSettings(t *testing.T) {
	def := answer.DefaultSettings()
	tests := []struct {
		name, yaml string
		want       answer.Settings
		err        string // part of the error; "" for none
	}{
		{"all keys", "# tuned\nanswer: 0.6\nchoices: 0.4\nmargin: 0.05\n", answer.Settings{Answer: 0.6, Choices: 0.4, Margin: 0.05}, ""},
		{"missing keys keep defaults", "answer: 0.7\n", answer.Settings{Answer: 0.7, Choices: def.Choices, Margin: def.Margin}, ""},
		{"empty file is the defaults", "", def, ""},
		{"only comments", "# nothing\n", def, ""},
		{"unknown key", "answer: 0.6\nchoise: 0.4\n", answer.Settings{}, `:2: unknown setting "choise"`},
		{"invalid YAML", "answer: [0.6\n", answer.Settings{}, ":1: did not find expected"},
		{"not a number", "answer: high\n", answer.Settings{}, "cannot unmarshal"},
		{"above 1", "answer: 1.5\n", answer.Settings{}, "between 0 and 1"},
		{"negative", "margin: -0.1\n", answer.Settings{}, "between 0 and 1"},
		{"choices above answer", "answer: 0.3\nchoices: 0.4\n", answer.Settings{}, "choices threshold 0.400 is above the answer threshold 0.300"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.yaml)
			s, err := answer.LoadSettings(path)
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if s != tt.want {
					t.Errorf("got %+v, want %+v", s, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("loaded %+v, want an error containing %q", s, tt.err)
			}
			if !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q should name %s and contain %q", err, path, tt.err)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := answer.LoadSettings(filepath.Join(t.TempDir(), "nope.yaml"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %v, want a not-exist error", err)
		}
	})
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		s  answer.Settings
		ok bool
	}{
		{answer.Settings{Answer: 0.5, Choices: 0.35, Margin: 0.03}, true},
		{answer.Settings{Answer: 0.5, Choices: 0.5, Margin: 0}, true}, // equal is fine
		{answer.Settings{Answer: 1, Choices: 0, Margin: 1}, true},
		{answer.Settings{Answer: 0.4, Choices: 0.5, Margin: 0.03}, false}, // choices > answer
		{answer.Settings{Answer: 1.01, Choices: 0.5, Margin: 0.03}, false},
		{answer.Settings{Answer: 0.5, Choices: -0.01, Margin: 0.03}, false},
		{answer.Settings{Answer: 0.5, Choices: 0.3, Margin: 2}, false},
	}
	for _, tt := range tests {
		if err := tt.s.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v.Validate() = %v, want ok=%v", tt.s, err, tt.ok)
		}
	}
}

func TestSettingsWriteRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.yaml")
	want := answer.Settings{Answer: 0.6123, Choices: 0.2875, Margin: 0.0425}
	if err := want.Write(path, "Chosen by a test.\nOverall accuracy 0.9."); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# Chosen by a test.\n# Overall accuracy 0.9.\n") {
		t.Errorf("file does not start with the comment:\n%s", data)
	}
	got, err := answer.LoadSettings(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("round trip: got %+v, want %+v", got, want)
	}
}

func TestDecide(t *testing.T) {
	s := answer.Settings{Answer: 0.8, Choices: 0.3, Margin: 0.1}
	tests := []struct {
		conf []float64
		kind answer.Kind
		n    int
	}{
		{nil, answer.KindFallback, 0},
		{[]float64{0.29}, answer.KindFallback, 0},
		{[]float64{0.9}, answer.KindAnswer, 1},
		{[]float64{0.9, 0.5}, answer.KindAnswer, 1},             // runner-up further than the margin
		{[]float64{0.9, 0.85, 0.2}, answer.KindChoices, 2},      // two close entries
		{[]float64{0.6, 0.4, 0.35, 0.3}, answer.KindChoices, 3}, // at most three
		{[]float64{0.6, 0.1}, answer.KindChoices, 1},            // alone, but nearer to an answer
		{[]float64{0.5, 0.1}, answer.KindFallback, 0},           // alone and nearer to the fallback
		{[]float64{0.5, 0.31}, answer.KindChoices, 2},           // two likely enough
	}
	for _, tt := range tests {
		kind, n := s.Decide(tt.conf)
		if kind != tt.kind || n != tt.n {
			t.Errorf("Decide(%v) = %s %d, want %s %d", tt.conf, kind, n, tt.kind, tt.n)
		}
	}
}
