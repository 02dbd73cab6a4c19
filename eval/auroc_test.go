package eval

import (
	"math"
	"testing"
)

func TestAUROC(t *testing.T) {
	for _, c := range []struct {
		pos, neg []float64
		want     float64
	}{
		{[]float64{0.9, 0.5}, []float64{0.5, 0.1}, 3.5 / 4}, // one tie counts half
		{[]float64{0.9, 0.8}, []float64{0.2, 0.1}, 1},
		{[]float64{0.1}, []float64{0.2, 0.3}, 0},
		{[]float64{0.4, 0.4}, []float64{0.4}, 0.5},
	} {
		if got := auroc(c.pos, c.neg); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("auroc(%v, %v) = %v, want %v", c.pos, c.neg, got, c.want)
		}
	}
	if got := auroc(nil, []float64{0.3}); !math.IsNaN(got) {
		t.Errorf("auroc without positives = %v, want NaN", got)
	}
}
