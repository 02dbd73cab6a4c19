package knowledge

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Limits on what a knowledge folder may hold, so that a file put there by
// mistake (a database dump, a video renamed .yaml, a link to a system
// file) cannot stall loading or exhaust memory: the bot refuses the
// folder, names the file, and keeps serving the last good knowledge.
const (
	// MaxFileBytes is the largest knowledge file read. The clinic's
	// largest is about 45 KB.
	MaxFileBytes = 4 << 20
	// MaxTotalBytes bounds all the files of a folder together.
	MaxTotalBytes = 32 << 20
	// MaxEntries bounds the entries of a folder.
	MaxEntries = 10000
)

// limitError is a file the folder must not hold, in words for staff.
type limitError struct{ name, what string }

func (e *limitError) Error() string { return e.name + " " + e.what }

// Dir returns the knowledge folder dir as a file system that refuses, with
// a clear error, what a knowledge folder must not hold: a link to a file
// outside the folder, anything but a regular file (a named pipe would
// block a read forever), and files over MaxFileBytes. Reads stop at
// MaxFileBytes even if a file grows while it is read.
func Dir(dir string) fs.FS { return &boundedDir{dir: dir, fsys: os.DirFS(dir)} }

type boundedDir struct {
	dir  string
	fsys fs.FS
}

func (d *boundedDir) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	full := filepath.Join(d.dir, filepath.FromSlash(name))
	info, err := os.Lstat(full)
	if err != nil {
		return nil, err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		if err := d.checkLink(name, full); err != nil {
			return nil, err
		}
		if info, err = os.Stat(full); err != nil {
			return nil, err
		}
	}
	if info.IsDir() {
		return d.fsys.Open(name)
	}
	if !info.Mode().IsRegular() {
		return nil, &limitError{name, "is not an ordinary file; remove it from the knowledge folder"}
	}
	if info.Size() > MaxFileBytes {
		return nil, &limitError{name, fmt.Sprintf("is %s, more than a knowledge file may be (%s); is it the right file?", megabytes(info.Size()), megabytes(MaxFileBytes))}
	}
	f, err := d.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	return &boundedFile{File: f, left: MaxFileBytes + 1}, nil
}

// checkLink refuses a symbolic link whose target is outside the folder.
func (d *boundedDir) checkLink(name, full string) error {
	root, err := filepath.EvalSymlinks(d.dir)
	if err != nil {
		return err
	}
	target, err := filepath.EvalSymlinks(full)
	if err != nil {
		return &limitError{name, "is a link to a file that does not exist"}
	}
	rel, err := filepath.Rel(root, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return &limitError{name, "is a link to a file outside the knowledge folder, which is not read; copy the file into the folder instead"}
	}
	return nil
}

// boundedFile stops reading after its limit.
type boundedFile struct {
	fs.File
	left int64
}

func (f *boundedFile) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.File.Read(p)
	f.left -= int64(n)
	return n, err
}

// readBounded reads name from fsys, at most MaxFileBytes (any fs.FS: the
// embedded knowledge too).
func readBounded(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, &limitError{name, fmt.Sprintf("is more than a knowledge file may be (%s); is it the right file?", megabytes(MaxFileBytes))}
	}
	return data, nil
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// isLimit reports whether err is a file the folder must not hold, and
// says what is wrong with it.
func isLimit(err error) (string, bool) {
	var le *limitError
	if errors.As(err, &le) {
		return "this file " + le.what, true
	}
	return "", false
}
