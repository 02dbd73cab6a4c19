package eval

import (
	"context"
	"sort"

	"github.com/clinicbot/clinicbot/answer"
)

// AnswerPrecision is the share of confident answers that must be right for
// tune to let the bot answer outright; below it the bot offers choices.
const AnswerPrecision = 0.9

// MinAnswer is the lowest answer threshold tune chooses: the confidence
// is a probability, and the bot does not answer outright when its answer
// is more likely wrong than right, however the questions it was tuned on
// came out.
const MinAnswer = 0.5

// MinFallback is the least share of out-of-scope questions tune lets
// get an answer or "did you mean" wrong: they must get the honest fallback.
const MinFallback = 0.9

// MaxChoicesRate is the largest share of questions tune lets the bot
// answer with "did you mean": a bot that hedges on everything is no help.
const MaxChoicesRate = 0.3

// Tune chooses thresholds for the engine's knowledge from labelled questions.
//
// It tries every pair of an answer and a choices threshold among the
// confidences the questions' best entries get, replies to each question as
// the engine would (answer.Settings.Decide), and keeps the pair with the
// best overall figure (shown right plus out-of-scope fallbacks) among those
// whose answers are right at least AnswerPrecision of the time, that
// offer choices to at most MaxChoicesRate of the questions, that give at
// least MinFallback of the out-of-scope questions the fallback, and with an
// answer threshold of at least MinAnswer (when no pair meets all of these,
// the best of all); among equals,
// the one that answers most questions right, then the middle one, to leave
// room on both sides for questions it has not seen. The margin is kept.
func Tune(ctx context.Context, e *answer.Engine, qs []Question) answer.Settings {
	type point struct {
		conf    []float64
		topOK   bool // the best candidate is the expected entry
		outside bool // out of scope
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
		p := point{outside: q.Expected == ExpectFallback}
		for _, c := range r.Candidates {
			p.conf = append(p.conf, c.Score)
		}
		if len(r.Candidates) > 0 {
			p.topOK = !p.outside && r.Candidates[0].EntryID == q.Expected
		}
		pts = append(pts, p)
	}
	s := e.Settings()
	if len(pts) == 0 {
		return s
	}
	// Threshold candidates: midpoints between distinct best confidences,
	// at most about 80 of them, spread by rank.
	var tops []float64
	for _, p := range pts {
		if len(p.conf) > 0 {
			tops = append(tops, p.conf[0])
		}
	}
	sort.Float64s(tops)
	cands := []float64{0}
	step := max(1, len(tops)/80)
	for i := step; i < len(tops); i += step {
		if tops[i] > tops[i-1] {
			cands = append(cands, round4((tops[i]+tops[i-1])/2))
		}
	}
	cands = append(cands, 1)
	type score struct {
		right, answeredRight int
		ok                   bool
	}
	eval := func(t answer.Settings) score {
		var sc score
		answers, wrong, choices, outside, fellBack := 0, 0, 0, 0, 0
		for _, p := range pts {
			kind, _ := t.Decide(p.conf)
			if p.outside {
				outside++
				if kind != answer.KindAnswer && kind != answer.KindChoices {
					fellBack++
				}
			}
			switch kind {
			case answer.KindAnswer:
				answers++
				if p.topOK {
					sc.right++
					sc.answeredRight++
				} else {
					wrong++
				}
			case answer.KindChoices:
				choices++
				if p.topOK {
					sc.right++
				}
			default:
				if p.outside {
					sc.right++
				}
			}
		}
		sc.ok = (answers == 0 || float64(answers-wrong) >= AnswerPrecision*float64(answers)) &&
			float64(choices) <= MaxChoicesRate*float64(len(pts)) &&
			float64(fellBack) >= MinFallback*float64(outside)
		return sc
	}
	type pick struct {
		s  answer.Settings
		sc score
	}
	var best []pick
	better := func(a, b score) int {
		switch {
		case a.ok != b.ok:
			if a.ok {
				return 1
			}
			return -1
		case a.right != b.right:
			return a.right - b.right
		}
		return a.answeredRight - b.answeredRight
	}
	for _, c := range cands {
		for _, a := range append(cands, MinAnswer) {
			if a < c || a < MinAnswer {
				continue
			}
			t := s
			t.Choices, t.Answer = c, a
			sc := eval(t)
			switch {
			case len(best) == 0 || better(sc, best[0].sc) > 0:
				best = []pick{{t, sc}}
			case better(sc, best[0].sc) == 0:
				best = append(best, pick{t, sc})
			}
		}
	}
	return best[len(best)/2].s
}

func round4(f float64) float64 { return float64(int(f*10000+0.5)) / 10000 }
