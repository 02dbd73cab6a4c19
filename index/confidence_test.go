package index

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/clinicbot/clinicbot/knowledge"
)

// TestCalibrationDeterministic builds the clinic's index twice: the model
// learnt from the knowledge, and so every confidence, is the same.
func TestCalibrationDeterministic(t *testing.T) {
	base := clinicBase(t)
	a, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ca, cb := a.Calibration(), b.Calibration()
	if ca.Probes < 100 || ca.Positives < minPositives || ca.Probes-ca.Positives < minNegatives {
		t.Fatalf("clinic calibration learnt from %d probes (%d positive); want a learnt model", ca.Probes, ca.Positives)
	}
	if ca.Probes != cb.Probes || ca.Bias != cb.Bias || ca.FoundBias != cb.FoundBias {
		t.Errorf("two builds differ: %+v and %+v", ca, cb)
	}
	for n, w := range ca.Weights {
		if cb.Weights[n] != w || math.IsNaN(w) {
			t.Errorf("weight %s: %v and %v", n, w, cb.Weights[n])
		}
		if f := ca.Found[n]; cb.Found[n] != f || math.IsNaN(f) {
			t.Errorf("found weight %s: %v and %v", n, f, cb.Found[n])
		}
	}
	for _, q := range clinicQuestions(t)[:40] {
		ha, _ := a.Search(context.Background(), q, 3)
		hb, _ := b.Search(context.Background(), q, 3)
		for i := range ha {
			if ha[i].Entry.ID != hb[i].Entry.ID || ha[i].Confidence != hb[i].Confidence {
				t.Errorf("%q: hit %d %s %v and %s %v", q, i, ha[i].Entry.ID, ha[i].Confidence, hb[i].Entry.ID, hb[i].Confidence)
			}
		}
	}
}

// TestConfidenceSeparates checks the learnt confidence reads as a
// probability should: a question word for word the knowledge's is sure,
// a question about nothing the clinic does is not.
func TestConfidenceSeparates(t *testing.T) {
	ix, err := Build(clinicBase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	conf := func(q string) float64 {
		hits, err := ix.Search(context.Background(), q, 1)
		if err != nil || len(hits) == 0 {
			return 0
		}
		return hits[0].Confidence
	}
	for _, q := range []string{"what is facet joint denervation", "where is the clinic"} {
		if c := conf(q); c < 0.8 {
			t.Errorf("%q: confidence %.3f, want at least 0.8", q, c)
		}
	}
	for _, q := range []string{"can you recommend a good pizza restaurant", "how do I renew my passport", "who won the football last night"} {
		if c := conf(q); c > 0.3 {
			t.Errorf("%q: confidence %.3f, want at most 0.3", q, c)
		}
	}
}

func TestFitLearnsASeparation(t *testing.T) {
	// One informative feature: the fitted model orders by it, and the
	// same data gives the same model.
	var X []features
	var Y []bool
	for i := 0; i < 200; i++ {
		var x features
		x[featFormula] = float64(i%20) / 20
		x[featSem] = float64((i*7)%13) / 13 // noise
		X = append(X, x)
		Y = append(Y, x[featFormula] > 0.5 || i%10 == 0)
	}
	for _, prior := range []float64{-1, 0.5} {
		m := fit(X, Y, prior)
		lo, hi := X[2], X[18]
		if !(m.prob(hi) > 0.8 && m.prob(lo) < 0.3) {
			t.Errorf("prior %v: P(f1=0.9) %.3f, P(f1=0.1) %.3f", prior, m.prob(hi), m.prob(lo))
		}
		if m2 := fit(X, Y, prior); m2 != m {
			t.Errorf("fit is not deterministic: %+v, %+v", m, m2)
		}
	}
	// Weighting the positives more raises every probability.
	if a, b := fit(X, Y, 0.5), fit(X, Y, 0.8); !(b.prob(X[10]) > a.prob(X[10])) {
		t.Errorf("P with prior 0.8 %.3f, not above P with prior 0.5 %.3f", b.prob(X[10]), a.prob(X[10]))
	}
}

func TestConstantAndSure(t *testing.T) {
	var x features
	x[featFormula] = 0.3
	if p := constant(0.75); math.Abs(p.prob(x)-0.75) > 1e-6 {
		t.Errorf("constant(0.75) says %v", p.prob(x))
	}
	c := confModel{inScope: constant(0.4), found: sure}
	if got := c.predict(x); got != 0.4 {
		t.Errorf("a sure found model leaves the in-scope probability: %v, want 0.4", got)
	}
}

// TestOutOfScopeFallsBack adds staff's out-of-scope examples to the
// clinic's knowledge: a question close to one is no longer trusted, and
// the questions the clinic does answer still are.
func TestOutOfScopeFallsBack(t *testing.T) {
	dir := t.TempDir()
	files, err := filepath.Glob("../knowledge/clinic/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("clinic knowledge: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	oos := "out_of_scope:\n  - what is the price of bitcoin\n  - can I book a flight to London\n"
	if err := os.WriteFile(filepath.Join(dir, "not_ours.yaml"), []byte(oos), 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	with, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	defer with.Close()
	without, err := Build(clinicBase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer without.Close()
	conf := func(ix *Index, q string) (string, float64) {
		hits, err := ix.Search(context.Background(), q, 1)
		if err != nil || len(hits) == 0 {
			t.Fatalf("%q: %v, %d hits", q, err, len(hits))
		}
		return hits[0].Entry.ID, hits[0].Confidence
	}
	for _, q := range []string{"price of bitcoin", "bitcoin price", "book a flight to london"} {
		_, before := conf(without, q)
		if _, after := conf(with, q); after > outsideConfidence || before <= outsideConfidence {
			t.Errorf("%q: confidence %.3f without the examples, %.3f with them; want it to drop to at most %v", q, before, after, outsideConfidence)
		}
	}
	for _, q := range []string{"how much does it cost", "how do I book a consultation", "what is facet joint denervation"} {
		id0, before := conf(without, q)
		id1, after := conf(with, q)
		if id0 != id1 || after < 0.8*before || after < 0.5 {
			t.Errorf("%q: %s %.3f without the examples, %s %.3f with them", q, id0, before, id1, after)
		}
	}
	if c := with.Calibration(); c.Probes <= without.Calibration().Probes {
		t.Errorf("the examples are not among the calibration's probes: %d with, %d without", c.Probes, without.Calibration().Probes)
	}
}
