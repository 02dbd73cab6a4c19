package index

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestCalibrationCached checks that a program with a known commit keeps
// the model it learns and reads it back on the next build of the same
// knowledge, whole (every field of the model: a field added to model and
// not to storedModel fails here), and learns anew for other knowledge or
// another program.
func TestCalibrationCached(t *testing.T) {
	dir := t.TempDir()
	defer func(d func() string, p func() string) { calibrationCacheDir, programID = d, p }(calibrationCacheDir, programID)
	calibrationCacheDir = func() string { return dir }
	programID = func() string { return "test program" }

	base := clinicBase(t)
	ix, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	learnt := ix.conf
	if learnt.probes == 0 {
		t.Fatal("the clinic's model was not learnt")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "model-*.json"))
	if len(files) != 1 {
		t.Fatalf("cache holds %d models, want 1", len(files))
	}
	if m, ok := decodeModel(encodeModel(learnt)); !ok || !reflect.DeepEqual(m, learnt) {
		t.Fatalf("model stored and read back: %+v, learnt %+v", m, learnt)
	}
	// A model in the cache is what the next build uses.
	marked := learnt
	marked.found.bias += 1
	if err := os.WriteFile(files[0], encodeModel(marked), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if !reflect.DeepEqual(again.conf, marked) {
		t.Fatalf("second build's model %+v, want the cached %+v", again.conf, marked)
	}
	// Other knowledge, or another program, is another key.
	other := *base
	other.OutOfScope = append([]string{"what is the weather like"}, base.OutOfScope...)
	if calibrationKey("test program", &other) == calibrationKey("test program", base) ||
		calibrationKey("another program", base) == calibrationKey("test program", base) {
		t.Fatal("calibration key ignores the knowledge or the program")
	}
	// A damaged file is learnt anew.
	if err := os.WriteFile(files[0], []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	third, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	third.Close()
	if !reflect.DeepEqual(third.conf, learnt) {
		t.Fatalf("model after a damaged cache file %+v, want %+v", third.conf, learnt)
	}
}

// TestCalibrationNotCachedUnknownProgram checks that go test's own build
// (no commit) never uses the cache.
func TestCalibrationNotCachedUnknownProgram(t *testing.T) {
	if programID() != "" {
		t.Skip("this test binary has a clean commit")
	}
	dir := t.TempDir()
	defer func(d func() string) { calibrationCacheDir = d }(calibrationCacheDir)
	calibrationCacheDir = func() string { return dir }
	ix, err := Build(clinicBase(t))
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Fatalf("cache written by a program of no known commit: %v", files)
	}
}
