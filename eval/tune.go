package eval

import (
	"context"
	"sort"

	"github.com/clinicbot/clinicbot/answer"
)

// AnswerPrecision is the share of confident answers that must be right for
// tune to let the bot answer outright, unless told otherwise (see
// TuneLimits); below it the bot offers choices.
const AnswerPrecision = 0.9

// MinAnswer is the lowest answer threshold tune chooses: below it the
// learnt confidence says the best entry is most likely not the one asked
// for, however the questions it was tuned on came out. It is low because
// the confidence is learnt from held-out questions of the knowledge, which
// are harder than patients' own, so it reads low; AnswerPrecision is what
// keeps the answers right.
const MinAnswer = 0.2

// MaxChoicesRate is the largest share of questions tune lets the bot
// answer with "did you mean": a bot that hedges on everything is no help.
const MaxChoicesRate = 0.3

// What each reply is worth to tune when no settings keep within its limits
// (see Tune): a right answer and an honest fallback to an out-of-scope
// question are worth answerWorth, a "did you mean" that leads with the
// right entry choicesWorth (the patient still has to pick), and a wrong
// answer, out-of-scope questions answered included, costs wrongCost: a
// wrong confident answer is worse than "I don't know, here is how to reach
// us" by more than a right one is better.
const (
	answerWorth  = 2
	choicesWorth = 1
	wrongCost    = 3
)

// Tune chooses thresholds for the engine's knowledge from labelled questions.
//
// It tries every pair of an answer and a choices threshold among the
// confidences the questions' best entries get, with each of margins, replies
// to each question as the engine would (answer.Settings.Decide), and keeps,
// among the settings whose answers are right at least AnswerPrecision of
// the time, that offer choices to at most MaxChoicesRate of the questions,
// and with an answer threshold of at least MinAnswer, those with the most
// questions right overall (shown right, or out of scope and fallen back:
// Report.Overall); among equals, the one that answers most questions
// right, then the middle one, to leave room on both sides for questions it
// has not seen. When no settings keep within those limits, it keeps the
// ones whose replies are worth most (see answerWorth). The precision floor
// is what keeps answers right; no share of out-of-scope fallbacks is
// imposed: where out-of-scope questions are rare (a few percent of a
// benchmark), such a floor costs many right answers for a handful of
// fallbacks, and out-of-scope questions answered count against precision.
func Tune(ctx context.Context, e *answer.Engine, qs []Question) answer.Settings {
	return TuneLimits(ctx, e, qs, DefaultLimits())
}

// Limits are what Tune holds the settings to.
type Limits struct {
	// Precision is the share of answers that must be right.
	Precision float64
	// MaxChoices is the largest share of questions offered choices.
	MaxChoices float64
	// MinOOS is the smallest share of out-of-scope questions that must
	// get the fallback (0: none imposed).
	MinOOS float64
}

// DefaultLimits are Tune's: AnswerPrecision, MaxChoicesRate, and no
// out-of-scope floor.
func DefaultLimits() Limits {
	return Limits{Precision: AnswerPrecision, MaxChoices: MaxChoicesRate}
}

// TuneLimits is Tune held to other limits.
func TuneLimits(ctx context.Context, e *answer.Engine, qs []Question, lim Limits) answer.Settings {
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
		right, worth, answeredRight int
		ok                          bool
	}
	eval := func(t answer.Settings) score {
		var sc score
		answers, wrong, choices, outside, fallbacks := 0, 0, 0, 0, 0
		for _, p := range pts {
			kind, _ := t.Decide(p.conf)
			switch kind {
			case answer.KindAnswer:
				answers++
				if p.topOK {
					sc.worth += answerWorth
					sc.answeredRight++
					sc.right++
				} else {
					wrong++
					sc.worth -= wrongCost
				}
			case answer.KindChoices:
				choices++
				if p.topOK {
					sc.worth += choicesWorth
					sc.right++
				}
			default:
				if p.outside {
					sc.worth += answerWorth
					sc.right++
					fallbacks++
				}
			}
			if p.outside {
				outside++
			}
		}
		sc.ok = (answers == 0 || float64(answers-wrong) >= lim.Precision*float64(answers)) &&
			float64(choices) <= lim.MaxChoices*float64(len(pts)) &&
			float64(fallbacks) >= lim.MinOOS*float64(outside)
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
		case a.ok && a.right != b.right:
			return a.right - b.right
		case !a.ok && a.worth != b.worth:
			return a.worth - b.worth
		}
		return a.answeredRight - b.answeredRight
	}
	for _, mg := range margins {
		for _, c := range cands {
			for _, a := range append(cands, MinAnswer) {
				if a < c || a < MinAnswer {
					continue
				}
				t := s
				t.Choices, t.Answer, t.Margin = c, a, mg
				sc := eval(t)
				switch {
				case len(best) == 0 || better(sc, best[0].sc) > 0:
					best = []pick{{t, sc}}
				case better(sc, best[0].sc) == 0:
					best = append(best, pick{t, sc})
				}
			}
		}
	}
	return best[len(best)/2].s
}

// margins are the margins tune tries, the same whatever the settings it
// starts from, so that it chooses the same from the same questions.
var margins = []float64{0.02, 0.05, 0.1, 0.15, 0.2}

func round4(f float64) float64 { return float64(int(f*10000+0.5)) / 10000 }
