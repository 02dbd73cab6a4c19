package answer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/clinicbot/clinicbot/clinicbot"
)

// Settings are the confidence thresholds that decide between an answer,
// choices and the honest fallback. They belong to a knowledge folder
// (clinicbot.SettingsFile beside its YAML) and are chosen by `clinicbot tune`.
type Settings struct {
	// Answer is the lowest confidence at which the best entry is given as the answer.
	Answer float64 `yaml:"answer"`
	// Choices is the lowest confidence at which close entries are offered to pick from.
	Choices float64 `yaml:"choices"`
	// Margin: when the runner-up is within Margin of the best, the patient
	// picks between them instead of getting one answer.
	Margin float64 `yaml:"margin"`
}

// DefaultSettings work before any tuning: the confidence is a probability
// learnt from each knowledge base itself, so they mean the same for any.
// Answer when the best entry is right with probability 0.8 or more.
func DefaultSettings() Settings {
	return Settings{Answer: 0.8, Choices: 0.3, Margin: 0.1}
}

// MaxChoices is the most entries a "did you mean" offers.
const MaxChoices = 3

// Decide chooses the reply for ranked entries of the given confidences
// (each an estimate of the probability that the entry is the one asked
// for), best first: an answer, when the best is at least Answer and no
// runner-up is within Margin of it; "did you mean" with the n entries (up
// to MaxChoices) whose confidence is at least Choices, when two or three
// are, or when one alone is nearer to Answer than to Choices; otherwise
// the honest fallback.
func (s Settings) Decide(conf []float64) (kind Kind, n int) {
	if len(conf) == 0 || conf[0] < s.Choices {
		return KindFallback, 0
	}
	lone := len(conf) < 2 || conf[1] < s.Choices
	if conf[0] >= s.Answer && (lone || conf[0]-conf[1] >= s.Margin) {
		return KindAnswer, 1
	}
	if lone && conf[0] < (s.Choices+s.Answer)/2 {
		return KindFallback, 0
	}
	n = 1
	for n < min(len(conf), MaxChoices) && conf[n] >= s.Choices {
		n++
	}
	return KindChoices, n
}

// Validate checks that the thresholds make sense together.
func (s Settings) Validate() error {
	for _, v := range []float64{s.Answer, s.Choices, s.Margin} {
		if v < 0 || v > 1 {
			return fmt.Errorf("thresholds must be between 0 and 1 (answer %.3f, choices %.3f, margin %.3f)", s.Answer, s.Choices, s.Margin)
		}
	}
	if s.Choices > s.Answer {
		return fmt.Errorf("choices threshold %.3f is above the answer threshold %.3f", s.Choices, s.Answer)
	}
	return nil
}

// LoadSettings reads a settings file. Missing keys keep their defaults.
func LoadSettings(path string) (Settings, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return DefaultSettings(), fmt.Errorf("settings: %w", err)
	}
	return ParseSettings(data, path)
}

// ParseSettings reads settings from data; name is used in errors.
func ParseSettings(data []byte, path string) (Settings, error) {
	s := DefaultSettings()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
		return s, yamlError(path, err)
	}
	if err := s.Validate(); err != nil {
		return s, clinicbot.ErrorList{{Pos: clinicbot.Pos{File: path}, Msg: err.Error()}}
	}
	return s, nil
}

// yamlField is how the YAML decoder names a key that is not a setting.
var yamlField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// yamlError states a YAML error as the rest of the knowledge does: a
// clinicbot.ErrorList, one "file:line: message" a problem, what staff and
// editors jump to.
func yamlError(path string, err error) error {
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msgs = te.Errors
	}
	var list clinicbot.ErrorList
	for _, msg := range msgs {
		msg = yamlField.ReplaceAllString(msg, `unknown setting "$1" (the settings are answer, choices and margin)`)
		line, rest := clinicbot.SplitYAMLLine(msg)
		list = append(list, &clinicbot.Error{Pos: clinicbot.Pos{File: path, Line: line}, Msg: rest})
	}
	return list
}

// Write saves the settings with a comment saying where they came from.
func (s Settings) Write(path, comment string) error {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(comment), "\n") {
		b.WriteString("# " + line + "\n")
	}
	fmt.Fprintf(&b, "answer: %.4f\nchoices: %.4f\nmargin: %.4f\n", s.Answer, s.Choices, s.Margin)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
