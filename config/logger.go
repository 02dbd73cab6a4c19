package config

import (
	"io"
	"log/slog"
)

// Logger returns the process's logger as configured: text (key=value) or
// JSON lines, at the configured level, written to w. Validation has
// checked both values.
func (c Log) Logger(w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
