package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/clinicbot/clinicbot/answer"
	domain "github.com/clinicbot/clinicbot/clinicbot" // the name clinicbot is the tests' helper
	"github.com/clinicbot/clinicbot/config"
	"github.com/clinicbot/clinicbot/lastgood"
)

// startEngine builds the engine serve starts with. A knowledge folder that
// does not load is replaced by the last copy of it that did (kept in the
// state dir), so an edit broken while the bot was stopped does not keep
// it down: then the engine comes with the folder's error, for the log and
// the staff chats. With no copy, or no folder at all, there is no engine
// and the error is why. from says where the knowledge came from.
func startEngine(src source, cfg config.Config, log *slog.Logger) (eng *answer.Engine, from string, err error) {
	eng, err = buildEngine(src, cfg)
	if err == nil {
		keepCopy(src, cfg, log)
		return eng, src.String(), nil
	}
	if src.dir == "" || cfg.StateDir == "" {
		return nil, "", err
	}
	if _, statErr := os.Stat(src.dir); statErr != nil {
		return nil, "", err // no folder at all: a configuration mistake, not an edit
	}
	kept, lerr := lastgood.Load(cfg.StateDir)
	if lerr != nil {
		if !errors.Is(lerr, lastgood.ErrNone) {
			log.Error("the last good knowledge could not be read", "err", lerr.Error())
		}
		return nil, "", err
	}
	tmp, terr := os.MkdirTemp("", "clinicbot-last-good-")
	if terr != nil {
		return nil, "", errors.Join(err, terr)
	}
	defer os.RemoveAll(tmp) // the index is built in memory
	settings, werr := kept.WriteDir(tmp)
	if werr != nil {
		return nil, "", errors.Join(err, werr)
	}
	keptEng, kerr := buildEngine(source{dir: tmp, settings: settings}, cfg)
	if kerr != nil {
		log.Error("the last good knowledge does not load with this version", "err", kerr.Error())
		return nil, "", err
	}
	from = fmt.Sprintf("the last good copy of %s (kept %s)", kept.From, kept.Saved.UTC().Format("2 Jan 2006 15:04 MST"))
	log.Error("knowledge folder does not load; serving the last knowledge that loaded until it is fixed",
		"dir", src.dir, "kept", kept.Saved.UTC().Format("2006-01-02T15:04:05Z"), "err", err.Error())
	return keptEng, from, err
}

// keepCopy keeps the folder that just loaded as the last good copy. A
// failure is logged: serving goes on without it.
func keepCopy(src source, cfg config.Config, log *slog.Logger) {
	if src.dir == "" || cfg.StateDir == "" {
		return
	}
	c, err := lastgood.ReadDir(src.dir, src.settings)
	if err == nil {
		err = lastgood.Save(cfg.StateDir, c)
	}
	if err != nil {
		log.Warn("could not keep a copy of the knowledge that loaded", "err", err.Error())
	}
}

// problemLines lists a loading error's problems as staff read them: file
// names relative to the knowledge folder, one problem a line.
func problemLines(err error, dir string) []string {
	problems, ok := domain.Problems(err)
	if !ok {
		problems = strings.Split(err.Error(), "\n")
	}
	if dir != "" {
		prefix := filepath.Clean(dir) + string(filepath.Separator)
		for i, p := range problems {
			problems[i] = strings.ReplaceAll(p, prefix, "")
		}
	}
	return problems
}
