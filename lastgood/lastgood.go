// Package lastgood keeps a copy of the last knowledge folder that loaded,
// so that a folder broken while the bot was stopped does not keep it from
// starting: it serves the copy until the folder is fixed.
//
// The copy is one bbolt file in the state dir, replaced in a single
// transaction each time a folder loads, so a crash mid-save leaves the
// previous copy whole.
package lastgood

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileName is the copy's file name in the state dir.
const FileName = "last-good-knowledge.db"

var (
	filesBucket = []byte("files")
	metaBucket  = []byte("meta")
	savedKey    = []byte("saved")
	fromKey     = []byte("from")
	settingsKey = []byte("settings")
)

// ErrNone means no copy has been saved yet.
var ErrNone = errors.New("no copy of knowledge that loaded has been kept yet")

// Copy is a kept knowledge folder.
type Copy struct {
	From  string            // the folder it was read from
	Saved time.Time         // when it was kept
	Files map[string][]byte // file name -> contents (*.yaml, *.yml)
	// Settings is the thresholds file named apart from the folder, if any.
	Settings []byte
}

// ReadDir reads the files of a knowledge folder that a copy keeps, and
// the thresholds file at settings ("" for none).
func ReadDir(dir, settings string) (Copy, error) {
	c := Copy{From: dir, Files: map[string][]byte{}}
	for _, pat := range []string{"*.yaml", "*.yml"} {
		names, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return c, err
		}
		for _, n := range names {
			data, err := readOrdinary(n)
			if err != nil {
				return c, err
			}
			c.Files[filepath.Base(n)] = data
		}
	}
	if settings != "" {
		data, err := os.ReadFile(settings)
		if err != nil {
			return c, err
		}
		c.Settings = data
	}
	return c, nil
}

// readOrdinary reads the ordinary file at name, and refuses anything else
// without blocking: a named pipe put in the folder between the load and
// the copy would otherwise hold the reload watcher for ever.
func readOrdinary(name string) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not an ordinary file", name)
	}
	return io.ReadAll(f)
}

// Save replaces the copy kept in stateDir with c, creating the folder
// (readable by its owner only) if needed.
func Save(stateDir string, c Copy) error {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return fmt.Errorf("state dir: %w", err)
	}
	db, err := open(stateDir)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{filesBucket, metaBucket} {
			if tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
		}
		files, err := tx.CreateBucket(filesBucket)
		if err != nil {
			return err
		}
		for name, data := range c.Files {
			if err := files.Put([]byte(name), data); err != nil {
				return err
			}
		}
		meta, err := tx.CreateBucket(metaBucket)
		if err != nil {
			return err
		}
		saved := c.Saved
		if saved.IsZero() {
			saved = time.Now()
		}
		if err := meta.Put(savedKey, []byte(saved.UTC().Format(time.RFC3339))); err != nil {
			return err
		}
		if err := meta.Put(fromKey, []byte(c.From)); err != nil {
			return err
		}
		if c.Settings != nil {
			return meta.Put(settingsKey, c.Settings)
		}
		return nil
	})
}

// Load returns the copy kept in stateDir, or ErrNone.
func Load(stateDir string) (Copy, error) {
	c := Copy{Files: map[string][]byte{}}
	if _, err := os.Stat(filepath.Join(stateDir, FileName)); errors.Is(err, fs.ErrNotExist) {
		return c, ErrNone
	}
	db, err := open(stateDir)
	if err != nil {
		return c, err
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		files, meta := tx.Bucket(filesBucket), tx.Bucket(metaBucket)
		if files == nil || meta == nil {
			return ErrNone
		}
		if err := files.ForEach(func(k, v []byte) error {
			c.Files[string(k)] = slices.Clone(v)
			return nil
		}); err != nil {
			return err
		}
		c.From = string(meta.Get(fromKey))
		c.Saved, _ = time.Parse(time.RFC3339, string(meta.Get(savedKey)))
		if s := meta.Get(settingsKey); s != nil {
			c.Settings = slices.Clone(s)
		}
		return nil
	})
	if err == nil && len(c.Files) == 0 {
		err = ErrNone
	}
	return c, err
}

// WriteDir writes the copy's files into dir (which must exist) and
// returns the path of its separate thresholds file, "" if none.
func (c Copy) WriteDir(dir string) (settings string, err error) {
	for name, data := range c.Files {
		if filepath.Base(name) != name || name == "" {
			return "", fmt.Errorf("kept copy: bad file name %q", name)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return "", err
		}
	}
	if c.Settings != nil {
		// Not *.yaml, so the folder's own files are not mistaken for it.
		settings = filepath.Join(dir, "settings.kept")
		if err := os.WriteFile(settings, c.Settings, 0o600); err != nil {
			return "", err
		}
	}
	return settings, nil
}

func open(stateDir string) (*bolt.DB, error) {
	db, err := bolt.Open(filepath.Join(stateDir, FileName), 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("last good knowledge (%s): %w", filepath.Join(stateDir, FileName), err)
	}
	return db, nil
}
