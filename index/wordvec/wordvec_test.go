package wordvec

import (
	"slices"
	"testing"
)

func TestLoads(t *testing.T) {
	v := English()
	if v.Len() != 100000 || v.Dims() != 100 {
		t.Fatalf("%d words x %d dimensions, want 100000 x 100", v.Len(), v.Dims())
	}
	the := v.Lookup("the")
	if the < 0 || v.Rank(the) != 0 {
		t.Errorf("\"the\" is word %d, rank %d; want the most frequent", the, v.Rank(the))
	}
	if v.Lookup("physician") < 0 || v.Lookup("qzxvbnm") >= 0 || v.Lookup("") >= 0 || v.Lookup("The") >= 0 {
		t.Error("lookup finds the wrong words")
	}
	if p, q := v.Prob(the), v.Prob(v.Lookup("physician")); !(p > 10*q) {
		t.Errorf("P(the) %v not far above P(physician) %v", p, q)
	}
	for i := 1; i < v.Len(); i++ {
		if v.Word(i-1) >= v.Word(i) {
			t.Fatalf("words not sorted at %d: %q, %q", i, v.Word(i-1), v.Word(i))
		}
	}
}

func TestParseRejectsDamage(t *testing.T) {
	for _, data := range []string{"", "CBVEC01\n", "nonsense nonsense", embedded[:len(embedded)-1], embedded[:1000]} {
		if _, err := parse(data); err == nil {
			t.Errorf("parse accepted %d bytes of damaged data", len(data))
		}
	}
}

// neighbours returns the k words most similar to w among the 20,000 most
// frequent.
func neighbours(v *Vectors, w string, k int) []string {
	q := v.Vector(v.Lookup(w))
	type sim struct {
		w string
		s float64
	}
	var all []sim
	for i := 0; i < v.Len(); i++ {
		if v.Rank(i) < 20000 && v.Word(i) != w {
			all = append(all, sim{v.Word(i), Cosine(q, v.Vector(i))})
		}
	}
	slices.SortFunc(all, func(a, b sim) int {
		if a.s > b.s {
			return -1
		}
		if a.s < b.s {
			return 1
		}
		return 0
	})
	var out []string
	for _, s := range all[:k] {
		out = append(out, s.w)
	}
	return out
}

func TestSaneNeighbours(t *testing.T) {
	v := English()
	for _, tt := range []struct {
		word string
		want []string // at least one among its 15 nearest
	}{
		{"pain", []string{"ache", "discomfort", "pains", "symptoms"}},
		{"doctor", []string{"physician", "doctors", "nurse"}},
		{"price", []string{"prices", "cost"}},
		{"monday", []string{"tuesday", "friday"}},
	} {
		got := neighbours(v, tt.word, 15)
		found := false
		for _, w := range tt.want {
			found = found || slices.Contains(got, w)
		}
		if !found {
			t.Errorf("nearest to %q: %v; want one of %v", tt.word, got, tt.want)
		}
	}
	cos := func(a, b string) float64 { return Cosine(v.Vector(v.Lookup(a)), v.Vector(v.Lookup(b))) }
	if a, b := cos("pain", "ache"), cos("pain", "volcano"); !(a > b+0.3) {
		t.Errorf("cos(pain, ache) %.2f not well above cos(pain, volcano) %.2f", a, b)
	}
	if a, b := cos("doctor", "physician"), cos("doctor", "pizza"); !(a > b+0.3) {
		t.Errorf("cos(doctor, physician) %.2f not well above cos(doctor, pizza) %.2f", a, b)
	}
}

func BenchmarkLookup(b *testing.B) {
	v := English()
	dst := make([]float32, v.Dims())
	for b.Loop() {
		if i := v.Lookup("physician"); i >= 0 {
			v.AddTo(dst, i, 1)
		}
	}
}
