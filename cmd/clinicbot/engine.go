package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/clinicbot/clinicbot/answer"
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

const redFlagsFile = "red_flags.yaml"

// buildEngine loads and validates everything an engine needs. Any problem is
// an error and nothing is built, so a bad edit never replaces good knowledge.
func buildEngine(src source, cfg config.Config) (*answer.Engine, error) {
	var base *knowledge.Base
	var fsys fs.FS
	var err error
	if src.dir == "" {
		fsys = knowledge.Clinic()
		base, err = knowledge.Load(fsys)
	} else {
		fsys = os.DirFS(src.dir)
		base, err = knowledge.LoadDir(src.dir)
	}
	if err != nil {
		return nil, err
	}
	chk, err := loadSafety(src.dir, fsys)
	if err != nil {
		return nil, err
	}
	settings, err := loadSettings(src)
	if err != nil {
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
	if err != nil && dir != "" {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, redFlagsFile), err)
	}
	return chk, err
}

func loadSettings(src source) (answer.Settings, error) {
	path := src.settings
	if path == "" && src.dir != "" {
		p := filepath.Join(src.dir, "settings.yaml")
		if _, err := os.Stat(p); err == nil {
			path = p
		}
	}
	if path == "" {
		return answer.DefaultSettings(), nil
	}
	return answer.LoadSettings(path)
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
