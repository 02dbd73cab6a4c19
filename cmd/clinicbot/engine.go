package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/clinicbot/clinicbot/answer"
	domain "github.com/clinicbot/clinicbot/clinicbot" // the name clinicbot is the tests' helper
	"github.com/clinicbot/clinicbot/config"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/safety"
)

// source says where knowledge, safety rules and thresholds come from.
type source struct {
	dir      string // knowledge folder; "" for the embedded clinic knowledge
	settings string // thresholds file; "" for the folder's settings.yaml, if any
}

func (s source) String() string {
	if s.dir == "" {
		return "embedded clinic knowledge"
	}
	return s.dir
}

// Files in a knowledge folder that are not knowledge entries.
const (
	redFlagsFile = domain.RedFlagsFile
	settingsFile = domain.SettingsFile
)

// buildEngine loads and validates everything an engine needs. Any problem is
// an error and nothing is built, so a bad edit never replaces good knowledge.
// The entries, the red-flag rules and the thresholds are each checked, so
// one error lists the problems of all three.
func buildEngine(src source, cfg config.Config) (*answer.Engine, error) {
	var base *knowledge.Base
	var fsys fs.FS
	var kerr error
	if src.dir == "" {
		fsys = knowledge.Clinic()
		base, kerr = knowledge.Load(fsys)
	} else {
		fsys = knowledge.Dir(src.dir) // the rules and thresholds within the same limits
		base, kerr = knowledge.LoadDir(src.dir)
	}
	if errors.Is(kerr, fs.ErrNotExist) {
		return nil, kerr // no folder: nothing else to check
	}
	chk, serr := loadSafety(src.dir, fsys)
	settings, terr := loadSettings(src, fsys)
	if err := errors.Join(kerr, serr, terr); err != nil {
		return nil, err
	}
	ix, err := index.Build(base)
	if err != nil {
		return nil, err
	}
	return answer.New(ix, chk, settings, textsFrom(cfg)), nil
}

// loadSafety reads the folder's red-flag rules, or the clinic's own when
// the folder has none: safety is never off.
func loadSafety(dir string, fsys fs.FS) (*safety.Checker, error) {
	if _, err := fs.Stat(fsys, redFlagsFile); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		fsys, dir = knowledge.Clinic(), ""
	}
	chk, err := safety.Load(fsys, redFlagsFile)
	var list domain.ErrorList
	if errors.As(err, &list) && dir != "" {
		list.InDir(dir)
		return nil, list
	}
	if err != nil && dir != "" {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, redFlagsFile), err)
	}
	return chk, err
}

// loadSettings reads the thresholds file named by the source, else the
// knowledge folder's settings.yaml, else uses the defaults.
func loadSettings(src source, fsys fs.FS) (answer.Settings, error) {
	if src.settings != "" {
		return answer.LoadSettings(src.settings)
	}
	data, err := fs.ReadFile(fsys, settingsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return answer.DefaultSettings(), nil
	}
	if err != nil {
		return answer.Settings{}, err
	}
	name := settingsFile
	if src.dir != "" {
		name = filepath.Join(src.dir, settingsFile)
	}
	return answer.ParseSettings(data, name)
}

func textsFrom(cfg config.Config) answer.Texts {
	return answer.Texts{
		ClinicName:          cfg.Clinic.Name,
		BookingURL:          cfg.Clinic.BookingURL,
		Contact:             cfg.Clinic.Contact,
		EmergencyNumber:     cfg.Emergency.Number,
		EmergencyDepartment: cfg.Emergency.Department,
		UrgentAdvice:        cfg.Emergency.UrgentAdvice,
		CrisisLine:          cfg.Emergency.CrisisLine,
	}
}
