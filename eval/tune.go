package eval

import (
	"context"
	"sort"

	"github.com/clinicbot/clinicbot/answer"
)

// AnswerPrecision is the share of confident answers that must be right for
// tune to let the bot answer outright; below it the bot offers choices.
const AnswerPrecision = 0.9

// Tune chooses thresholds for the engine's knowledge from labelled questions.
//
// The fallback threshold (Settings.Choices) is the one that makes the most
// replies right overall: every in-scope question whose best entry is right,
// every out-of-scope question that falls back. Among equally good thresholds
// it takes the middle one, to leave room on both sides for questions it has
// not seen. The answer threshold is then the lowest confidence above which at
// least AnswerPrecision of replies would be the right entry; below it, the
// patient is offered choices instead of one confident answer.
func Tune(ctx context.Context, e *answer.Engine, qs []Question) answer.Settings {
	type point struct {
		score            float64
		inRight, in, out bool
	}
	var pts []point
	for _, q := range qs {
		if q.Expected == ExpectSmalltalk || q.Expected == ExpectUrgent {
			continue
		}
		r := e.Answer(ctx, q.Query)
		if r.Kind == answer.KindSmalltalk || r.Kind == answer.KindUrgent {
			continue
		}
		p := point{out: q.Expected == ExpectFallback, in: q.Expected != ExpectFallback}
		if len(r.Candidates) > 0 {
			p.score = r.Candidates[0].Score
			p.inRight = p.in && r.Candidates[0].EntryID == q.Expected
		}
		pts = append(pts, p)
	}
	s := e.Settings()
	if len(pts) == 0 {
		return s
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].score < pts[j].score })
	// Threshold candidates: 0, and midpoints between distinct scores.
	cands := []float64{0}
	for i := 1; i < len(pts); i++ {
		if pts[i].score > pts[i-1].score {
			cands = append(cands, (pts[i].score+pts[i-1].score)/2)
		}
	}
	cands = append(cands, pts[len(pts)-1].score+0.001)
	acc := func(t float64) int {
		n := 0
		for _, p := range pts {
			if p.score >= t {
				if p.inRight {
					n++
				}
			} else if p.out {
				n++
			}
		}
		return n
	}
	best, bestTs := -1, []float64(nil)
	for _, t := range cands {
		switch a := acc(t); {
		case a > best:
			best, bestTs = a, []float64{t}
		case a == best:
			bestTs = append(bestTs, t)
		}
	}
	s.Choices = round4(bestTs[len(bestTs)/2])
	s.Answer = 1
	for _, t := range cands {
		if t < s.Choices {
			continue
		}
		right, n := 0, 0
		for _, p := range pts {
			if p.score >= t {
				n++
				if p.inRight {
					right++
				}
			}
		}
		if n > 0 && float64(right)/float64(n) >= AnswerPrecision {
			s.Answer = round4(t)
			break
		}
	}
	s.Answer = min(s.Answer, 1)
	return s
}

func round4(f float64) float64 { return float64(int(f*10000+0.5)) / 10000 }
