package index

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"

	"github.com/clinicbot/clinicbot/knowledge"
)

// The confidence model is learnt from the knowledge (see calibrate), the
// same every time for the same knowledge and the same program: a program
// started again on unchanged knowledge reads the model it learnt before
// from the user's cache folder instead of learning it again (most of the
// time to a first answer at clinic size).
//
// Only a program built from a clean checkout of a known commit uses the
// cache: a model is kept under the commit, so that a program whose
// calibration or features differ never reads another's model. Builds
// without that (go test, go run, a modified tree) always learn.

// calibrationCacheDir is the cache folder ("" for none); a variable, for
// tests.
var calibrationCacheDir = func() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "clinicbot", "calibration")
}

// programID identifies the program's code, or is "" when it cannot be
// known (see above); a variable, for tests.
var programID = func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" || modified != "false" {
		return ""
	}
	return info.Main.Path + " " + rev + " " + runtime.Version() + " " + runtime.GOARCH
}

// calibrationCacheKeep is how many models the cache folder keeps.
const calibrationCacheKeep = 32

// cachedCalibration returns calibrate's model for base, from the cache
// when it has it, else learnt and then kept there.
func (ix *Index) cachedCalibration(base *knowledge.Base) confModel {
	dir, id := calibrationCacheDir(), programID()
	if dir == "" || id == "" {
		return ix.calibrate(base.OutOfScope)
	}
	path := filepath.Join(dir, "model-"+calibrationKey(id, base)+".json")
	if data, err := os.ReadFile(path); err == nil {
		if m, ok := decodeModel(data); ok {
			return m
		}
	}
	m := ix.calibrate(base.OutOfScope)
	storeModel(dir, path, m) // best effort: a folder that cannot be written costs only time
	return m
}

// calibrationKey hashes what calibration reads: the program and every
// text of the knowledge that is indexed.
func calibrationKey(id string, base *knowledge.Base) string {
	h := sha256.New()
	var n [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	strs := func(ss []string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(ss)))
		h.Write(n[:])
		for _, s := range ss {
			str(s)
		}
	}
	str("clinicbot calibration 2")
	str(id)
	strs(featureNames[:])
	binary.LittleEndian.PutUint64(n[:], uint64(len(base.Entries)))
	h.Write(n[:])
	for _, e := range base.Entries {
		str(e.ID)
		str(e.Question)
		strs(e.Alternates)
		str(e.Answer)
		str(e.Topic)
		strs(e.Keywords)
		strs(e.Related)
	}
	binary.LittleEndian.PutUint64(n[:], uint64(len(base.Synonyms)))
	h.Write(n[:])
	for _, g := range base.Synonyms {
		strs(g)
	}
	strs(base.OutOfScope)
	return hex.EncodeToString(h.Sum(nil))
}

// storedPart is one logistic regression of a model as the cache keeps it.
type storedPart struct {
	Mean, Scale []float64
	W           []float64
	Bias        float64
}

// storedModel is a model as the cache keeps it: its two parts (see
// confModel) and what it was learnt from.
type storedModel struct {
	Features       []string
	InScope, Found storedPart
	Probes         int
	Positives      int
}

func storePart(m model) storedPart {
	return storedPart{Mean: m.mean[:], Scale: m.scale[:], W: m.w[:], Bias: m.bias}
}

func encodeModel(m confModel) []byte {
	data, _ := json.Marshal(storedModel{
		Features: featureNames[:], InScope: storePart(m.inScope), Found: storePart(m.found),
		Probes: m.probes, Positives: m.positives,
	})
	return data
}

func readPart(s storedPart) (model, bool) {
	if len(s.Mean) != nFeatures || len(s.Scale) != nFeatures || len(s.W) != nFeatures {
		return model{}, false
	}
	var m model
	copy(m.mean[:], s.Mean)
	copy(m.scale[:], s.Scale)
	copy(m.w[:], s.W)
	m.bias = s.Bias
	return m, true
}

// decodeModel reads a stored model, if it is one of this program's
// features.
func decodeModel(data []byte) (confModel, bool) {
	var s storedModel
	if json.Unmarshal(data, &s) != nil || !slices.Equal(s.Features, featureNames[:]) {
		return confModel{}, false
	}
	in, ok1 := readPart(s.InScope)
	found, ok2 := readPart(s.Found)
	if !ok1 || !ok2 {
		return confModel{}, false
	}
	return confModel{inScope: in, found: found, probes: s.Probes, positives: s.Positives}, true
}

// storeModel writes m to path, whole or not at all, and leaves at most
// calibrationCacheKeep models in dir, the newest.
func storeModel(dir, path string, m confModel) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	f, err := os.CreateTemp(dir, "model-*.tmp")
	if err != nil {
		return
	}
	_, werr := f.Write(encodeModel(m))
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), path) != nil {
		os.Remove(f.Name())
		return
	}
	old, _ := filepath.Glob(filepath.Join(dir, "model-*.json"))
	if len(old) <= calibrationCacheKeep {
		return
	}
	mod := map[string]int64{}
	for _, p := range old {
		if fi, err := os.Stat(p); err == nil {
			mod[p] = fi.ModTime().UnixNano()
		}
	}
	sort.Slice(old, func(i, j int) bool { return mod[old[i]] > mod[old[j]] })
	for _, p := range old[calibrationCacheKeep:] {
		os.Remove(p)
	}
}
