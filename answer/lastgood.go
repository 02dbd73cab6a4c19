package answer

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/clinicbot/clinicbot/lastgood"
)

// Loader builds the engines of one source with the clinic's wording, the
// same way at start (Start) and at each edit (Watch), and keeps the last
// copy of the folder that loaded.
type Loader struct {
	Source Source
	Texts  Texts
	// StateDir is where the last good copy of the folder is kept; "" keeps none.
	StateDir string
	Log      *slog.Logger
}

// Build builds an engine from the source as it is now.
func (l Loader) Build() (*Engine, error) { return Build(l.Source, l.Texts) }

// Start builds the engine serve starts with. A knowledge folder that does
// not load is replaced by the last copy of it that did (kept in the state
// dir), so an edit broken while the bot was stopped does not keep it down:
// then the engine comes with the folder's error, for the log and the staff
// chats. With no copy, or no folder at all, there is no engine and the
// error is why. from says where the knowledge came from.
func (l Loader) Start() (eng *Engine, from string, err error) {
	src := l.Source
	eng, err = l.Build()
	if err == nil {
		l.keepCopy()
		return eng, src.String(), nil
	}
	if src.Dir == "" || l.StateDir == "" {
		return nil, "", err
	}
	if _, statErr := os.Stat(src.Dir); statErr != nil {
		return nil, "", err // no folder at all: a configuration mistake, not an edit
	}
	kept, lerr := lastgood.Load(l.StateDir)
	if lerr != nil {
		if !errors.Is(lerr, lastgood.ErrNone) {
			l.Log.Error("the last good knowledge could not be read", "err", lerr.Error())
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
	keptEng, kerr := Build(Source{Dir: tmp, Settings: settings}, l.Texts)
	if kerr != nil {
		l.Log.Error("the last good knowledge does not load with this version", "err", kerr.Error())
		return nil, "", err
	}
	from = fmt.Sprintf("the last good copy of %s (kept %s)", kept.From, kept.Saved.UTC().Format("2 Jan 2006 15:04 MST"))
	l.Log.Error("knowledge folder does not load; serving the last knowledge that loaded until it is fixed",
		"dir", src.Dir, "kept", kept.Saved.UTC().Format("2006-01-02T15:04:05Z"), "err", err.Error())
	return keptEng, from, err
}

// keepCopy keeps the folder that just loaded as the last good copy. A
// failure is logged: serving goes on without it.
func (l Loader) keepCopy() {
	if l.Source.Dir == "" || l.StateDir == "" {
		return
	}
	c, err := lastgood.ReadDir(l.Source.Dir, l.Source.Settings)
	if err == nil {
		err = lastgood.Save(l.StateDir, c)
	}
	if err != nil {
		l.Log.Warn("could not keep a copy of the knowledge that loaded", "err", err.Error())
	}
}
