package index

import (
	"math"

	"github.com/clinicbot/clinicbot/index/wordvec"
)

// The semantic signal says how close two texts are in meaning when they
// share few words ("my back aches" and "lower back pain"). A text's vector
// is the frequency-weighted average of its words' vectors (SIF: a word of
// probability p weighs sifA/(sifA+p), so common words say little), with the
// direction all the knowledge's questions share removed (their first
// principal component, which mostly says "this is a question"). Two texts
// are as close as the cosine of their vectors.
const sifA = 1e-3

// semWeight is how much closeness in meaning (a cosine, at most 1) counts
// in ranking beside BM25 and word overlap (see Search). Chosen on the two
// public benchmarks' dev splits together, one value for both.
const semWeight = 4.0

// semantic holds the unit vectors of every entry's questions.
type semantic struct {
	vecs *wordvec.Vectors
	dims int
	pc   []float32 // the knowledge's first principal component, unit length
	// rows holds the vectors of all questions, entry by entry; entry i's
	// are rows[first[i]:first[i+1]] (a question with no known word has a
	// zero vector).
	rows  [][]float32
	first []int
	// unknown holds the hashes of the knowledge's words without a vector
	// (see lookupWord); a question's other unknown words are left out.
	unknown map[uint64]float32 // -> its weight
	// syn maps the stem of a one-word member of a synonym group to the
	// group's vector: the knowledge says they mean the same, so they
	// count the same.
	syn map[string][]float32
}

// wordRef is a word's vector number and SIF weight; a word without a
// vector (i < 0) has its stem's hash.
type wordRef struct {
	i    int
	w    float32
	hash uint64
}

// lookupWord finds a word's vector: its own, else its stem's. A word the
// table lacks (a rare medical term, a name, a typo left as it is) gets a
// vector of its own made from its stem, the same wherever the word is
// found, unrelated to every other word's: so it still matches itself.
func (s *semantic) lookupWord(t token) wordRef {
	i := s.vecs.Lookup(t.plain)
	if i < 0 && t.stem != t.plain {
		i = s.vecs.Lookup(t.stem)
	}
	if i < 0 {
		return wordRef{i: -1, hash: fnv(t.stem)} // weighed by newSemantic
	}
	return wordRef{i: i, w: float32(sifA / (sifA + s.vecs.Prob(i)))}
}

// unknownNorm is the length of an unknown word's vector: about that of a
// rare word's GloVe vector.
const unknownNorm = 6.0

// addUnknown adds weight times the made-up vector of a word with the
// given hash to dst: values of equal size and pseudo-random signs.
func addUnknown(dst []float32, hash uint64, weight float32) {
	x := hash | 1
	v := weight * float32(unknownNorm/math.Sqrt(float64(len(dst))))
	for j := range dst {
		// xorshift64*: deterministic, and different for every hash.
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		if (x*2685821657736338717)>>63 == 1 {
			dst[j] += v
		} else {
			dst[j] -= v
		}
	}
}

func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// raw is a text's weighted average of word vectors, before the common
// component is removed; nil for a text without words.
func (s *semantic) raw(toks []token, memo map[string]wordRef) []float32 {
	var v []float32
	n := 0
	for _, t := range toks {
		ref, ok := memo[t.plain]
		if !ok {
			ref = s.lookupWord(t)
			if memo != nil {
				memo[t.plain] = ref
			}
		}
		if ref.i < 0 && memo == nil {
			// A word neither English nor the knowledge knows ("bitcoin")
			// matches nothing, and weighs as the rarest word: it makes the
			// question less like any entry.
			w, ok := s.unknown[ref.hash]
			if !ok {
				w = float32(sifA / (sifA + s.vecs.Prob(s.vecs.Len()-1)))
			}
			ref.w = w
		}
		if v == nil {
			v = make([]float32, s.dims)
		}
		if g, ok := s.syn[t.stem]; ok {
			for j := range v {
				v[j] += ref.w * g[j]
			}
		} else if ref.i < 0 {
			addUnknown(v, ref.hash, ref.w)
		} else {
			s.vecs.AddTo(v, ref.i, ref.w)
		}
		n++
	}
	if n > 0 {
		for j := range v {
			v[j] /= float32(n)
		}
	}
	return v
}

// finish removes the common component from a raw vector and scales it to
// unit length, in place.
func (s *semantic) finish(v []float32) []float32 {
	if v == nil {
		return nil
	}
	if s.pc != nil {
		d := dot(v, s.pc)
		for j := range v {
			v[j] -= float32(d) * s.pc[j]
		}
	}
	nv := math.Sqrt(dot(v, v))
	if nv == 0 {
		return nil
	}
	for j := range v {
		v[j] /= float32(nv)
	}
	return v
}

// newSemantic computes the vectors of every entry's questions; synonyms
// are the knowledge's synonym groups, each member analysed.
func newSemantic(questions [][][]token, synonyms [][][]token) *semantic {
	vecs := wordvec.English()
	s := &semantic{vecs: vecs, dims: vecs.Dims(), unknown: map[uint64]float32{}, syn: map[string][]float32{}}
	memo := map[string]wordRef{}
	for _, g := range synonyms {
		// The group's vector: the mean direction of its members (a
		// phrase's words averaged), at the length of a typical word's.
		sum := make([]float32, s.dims)
		n := 0
		for _, m := range g {
			mv := make([]float32, s.dims)
			k := 0
			for _, t := range m {
				if ref := s.lookupWord(t); ref.i >= 0 {
					s.vecs.AddTo(mv, ref.i, 1)
					k++
				}
			}
			if l := math.Sqrt(dot(mv, mv)); k > 0 && l > 0 {
				for j := range sum {
					sum[j] += mv[j] / float32(l)
				}
				n++
			}
		}
		l := math.Sqrt(dot(sum, sum))
		if n == 0 || l == 0 {
			continue
		}
		for j := range sum {
			sum[j] *= float32(unknownNorm / l)
		}
		for _, m := range g {
			if len(m) == 1 {
				if _, dup := s.syn[m[0].stem]; !dup {
					s.syn[m[0].stem] = sum
				}
			}
		}
	}
	// A word without a vector is weighed by how often the knowledge's own
	// questions use it ("covid" in a COVID FAQ says little), as SIF weighs
	// the others by how often English uses them.
	count, total := map[uint64]int{}, 0
	for _, qs := range questions {
		for _, q := range qs {
			for _, t := range q {
				ref, ok := memo[t.plain]
				if !ok {
					ref = s.lookupWord(t)
					memo[t.plain] = ref
				}
				total++
				if ref.i < 0 {
					count[ref.hash]++
				}
			}
		}
	}
	for w, ref := range memo {
		if ref.i < 0 {
			p := max(float64(count[ref.hash])/float64(total), s.vecs.Prob(s.vecs.Len()-1))
			ref.w = float32(sifA / (sifA + p))
			memo[w] = ref
			s.unknown[ref.hash] = ref.w
		}
	}
	for _, qs := range questions {
		s.first = append(s.first, len(s.rows))
		for _, q := range qs {
			s.rows = append(s.rows, s.raw(q, memo))
		}
	}
	s.first = append(s.first, len(s.rows))
	s.pc = principal(s.rows, s.dims)
	for i, r := range s.rows {
		s.rows[i] = s.finish(r)
	}
	return s
}

// pcSample is how many questions the common component is computed from.
const pcSample = 2000

// principal returns the first principal component (uncentred, as SIF
// does) of the rows, by power iteration from a fixed start.
func principal(rows [][]float32, dims int) []float32 {
	cov := make([]float64, dims*dims)
	n := 0
	// Up to pcSample rows, spread evenly, tell the common direction as
	// well as all of a large knowledge base's.
	step := max(1, len(rows)/pcSample)
	for i := 0; i < len(rows); i += step {
		r := rows[i]
		if r == nil {
			continue
		}
		n++
		for a := 0; a < dims; a++ {
			ra := float64(r[a])
			row := cov[a*dims : (a+1)*dims]
			for b := range row {
				row[b] += ra * float64(r[b])
			}
		}
	}
	if n < 2 {
		return nil
	}
	x := make([]float64, dims)
	for j := range x {
		x[j] = 1 / math.Sqrt(float64(dims))
	}
	y := make([]float64, dims)
	for range 100 {
		norm := 0.0
		for a := 0; a < dims; a++ {
			sum := 0.0
			for b, c := range cov[a*dims : (a+1)*dims] {
				sum += c * x[b]
			}
			y[a] = sum
			norm += sum * sum
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			return nil
		}
		for j := range x {
			x[j] = y[j] / norm
		}
	}
	pc := make([]float32, dims)
	for j := range x {
		pc[j] = float32(x[j])
	}
	return pc
}

// query returns the question's unit vector, or nil.
func (s *semantic) query(toks []token) []float32 {
	return s.finish(s.raw(toks, nil))
}

// entry returns the best cosine between q and one of entry i's questions.
func (s *semantic) entry(q []float32, i int) float64 {
	if q == nil {
		return 0
	}
	best := 0.0
	for _, r := range s.rows[s.first[i]:s.first[i+1]] {
		if r == nil {
			continue
		}
		best = max(best, dot(q, r))
	}
	return best
}

func dot(a, b []float32) float64 {
	var sum float32
	for j := range a {
		sum += a[j] * b[j]
	}
	return float64(sum)
}

// semScanMax: in a knowledge base of at most this many questions, every
// entry is compared with the question in meaning, and the closest that
// BM25 missed join the candidates; in a larger one, only BM25's
// candidates are (a scan would cost more than the search).
const semScanMax = 5000

// semExtra is how many entries close in meaning may join BM25's candidates.
const semExtra = 10

// semanticCandidates returns the semantic closeness of each candidate in
// res, after adding to res (with a BM25 score of 0) the closest entries in
// meaning that BM25 did not find.
func (ix *Index) semanticCandidates(qv []float32, res *[]candidate) []float64 {
	if qv == nil {
		return make([]float64, len(*res))
	}
	sims := make([]float64, 0, len(*res)+semExtra)
	if len(ix.sem.rows) > semScanMax {
		for _, c := range *res {
			sims = append(sims, ix.sem.entry(qv, c.entry))
		}
		return sims
	}
	all := make([]float64, len(ix.entries))
	for i := range all {
		all[i] = ix.sem.entry(qv, i)
	}
	in := make(map[int]bool, len(*res))
	for _, c := range *res {
		in[c.entry] = true
		sims = append(sims, all[c.entry])
	}
	// The semExtra closest not yet in, best first, ties in entry order.
	for range semExtra {
		best := -1
		for i, s := range all {
			if !in[i] && s > 0 && (best < 0 || s > all[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		in[best] = true
		*res = append(*res, candidate{entry: best})
		sims = append(sims, all[best])
	}
	return sims
}
