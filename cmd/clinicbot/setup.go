package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/config"
)

// loadConfig reads --config, or config.yaml in the current folder if it
// exists, or the defaults.
func loadConfig(path string) (config.Config, error) {
	if path == "" {
		if _, err := os.Stat("config.yaml"); err == nil {
			path = "config.yaml"
		} else if !errors.Is(err, fs.ErrNotExist) {
			return config.Config{}, fmt.Errorf("config.yaml: %w", err)
		}
	}
	return config.Load(path)
}

// setup loads the configuration and builds the engine the flags ask for.
func (c common) setup() (config.Config, answer.Source, *answer.Engine, error) {
	cfg, src, err := c.source()
	if err != nil {
		return cfg, src, nil, err
	}
	eng, err := answer.Build(src, textsFrom(cfg))
	return cfg, src, eng, err
}

// source loads the configuration and says where the knowledge comes from.
func (c common) source() (config.Config, answer.Source, error) {
	cfg, err := loadConfig(c.config)
	if err != nil {
		return cfg, answer.Source{}, err
	}
	src := answer.Source{Dir: cfg.Knowledge, Settings: cfg.Settings}
	if c.knowledge != "" {
		src.Dir = c.knowledge
	}
	if c.settings != "" {
		src.Settings = c.settings
	}
	return cfg, src, nil
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
