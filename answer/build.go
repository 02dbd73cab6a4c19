package answer

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/clinicbot/clinicbot/clinicbot"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/safety"
)

// Source says where an engine's knowledge, red-flag rules and thresholds
// come from.
type Source struct {
	// Dir is the knowledge folder; "" for the embedded clinic knowledge.
	Dir string
	// Settings is the thresholds file; "" for the folder's settings.yaml, if any.
	Settings string
}

// String names the source as the commands and the logs do.
func (s Source) String() string {
	if s.Dir == "" {
		return "embedded clinic knowledge"
	}
	return s.Dir
}

// Problems lists a loading error's problems as staff read them: file
// names relative to the knowledge folder, one problem a line.
func (s Source) Problems(err error) []string {
	problems, ok := clinicbot.Problems(err)
	if !ok {
		problems = strings.Split(err.Error(), "\n")
	}
	if s.Dir != "" {
		prefix := filepath.Clean(s.Dir) + string(filepath.Separator)
		for i, p := range problems {
			problems[i] = strings.ReplaceAll(p, prefix, "")
		}
	}
	return problems
}

// Build loads and validates everything an engine needs and builds it,
// speaking with texts. Any problem is an error and nothing is built, so a
// bad edit never replaces good knowledge. The entries, the red-flag rules
// and the thresholds are each checked, so one error lists the problems of
// all three (clinicbot.Problems lists them).
func Build(src Source, texts Texts) (*Engine, error) {
	var base *knowledge.Base
	var fsys fs.FS
	var kerr error
	if src.Dir == "" {
		fsys = knowledge.Clinic()
		base, kerr = knowledge.Load(fsys)
	} else {
		fsys = knowledge.Dir(src.Dir) // the rules and thresholds within the same limits
		base, kerr = knowledge.LoadDir(src.Dir)
	}
	if errors.Is(kerr, fs.ErrNotExist) {
		return nil, kerr // no folder: nothing else to check
	}
	chk, serr := loadSafety(src.Dir, fsys)
	settings, terr := loadSettings(src, fsys)
	if err := errors.Join(kerr, serr, terr); err != nil {
		return nil, err
	}
	ix, err := index.Build(base)
	if err != nil {
		return nil, err
	}
	return New(ix, chk, settings, texts), nil
}

// loadSafety reads the folder's red-flag rules, or the clinic's own when
// the folder has none: safety is never off.
func loadSafety(dir string, fsys fs.FS) (*safety.Checker, error) {
	if _, err := fs.Stat(fsys, clinicbot.RedFlagsFile); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		fsys, dir = knowledge.Clinic(), ""
	}
	chk, err := safety.Load(fsys, clinicbot.RedFlagsFile)
	var list clinicbot.ErrorList
	if errors.As(err, &list) && dir != "" {
		list.InDir(dir)
		return nil, list
	}
	if err != nil && dir != "" {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, clinicbot.RedFlagsFile), err)
	}
	return chk, err
}

// loadSettings reads the thresholds file named by the source, else the
// knowledge folder's settings.yaml, else uses the defaults.
func loadSettings(src Source, fsys fs.FS) (Settings, error) {
	if src.Settings != "" {
		return LoadSettings(src.Settings)
	}
	data, err := fs.ReadFile(fsys, clinicbot.SettingsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return Settings{}, err
	}
	name := clinicbot.SettingsFile
	if src.Dir != "" {
		name = filepath.Join(src.Dir, clinicbot.SettingsFile)
	}
	return ParseSettings(data, name)
}
