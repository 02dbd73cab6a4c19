// Package wordvec holds English word vectors (GloVe 6B, 100 dimensions)
// for telling whether two texts are about the same thing when they share
// few words ("pain" and "ache", "doctor" and "physician").
//
// The vectors are embedded in the binary (vectors_en.bin, made by
// tools/genvectors; provenance and licences in LICENSE) and read where they
// lie: loading copies nothing, and a word's vector is only touched when it
// is looked up.
package wordvec

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"math"
	"sort"
	"sync"
	"unsafe"
)

//go:embed vectors_en.bin
var embedded string

// Vectors is a table of word vectors.
//
// The file is: "CBVEC01\n"; the number of words n and dimensions d (uint32,
// little-endian); n+1 offsets into the words' text (uint32), the words
// sorted; each word's place in frequency order (uint32, 0 the most
// frequent); each vector's scale (float32); the vectors (n×d int8, a value
// times its scale is the GloVe value); then the words' text.
type Vectors struct {
	n, dims int
	offsets string
	ranks   string
	scales  string
	vecs    string
	text    string
}

var english = sync.OnceValues(func() (*Vectors, error) { return parse(embedded) })

// English returns the embedded English vectors.
func English() *Vectors {
	v, err := english()
	if err != nil {
		panic("wordvec: embedded vectors: " + err.Error())
	}
	return v
}

func parse(data string) (*Vectors, error) {
	if len(data) < 16 || data[:8] != "CBVEC01\n" {
		return nil, errors.New("not a vectors file")
	}
	n := int(u32(data, 8))
	d := int(u32(data, 12))
	at := 16
	v := &Vectors{n: n, dims: d}
	take := func(size int) string {
		if at+size > len(data) {
			return ""
		}
		s := data[at : at+size]
		at += size
		return s
	}
	v.offsets = take(4 * (n + 1))
	v.ranks = take(4 * n)
	v.scales = take(4 * n)
	v.vecs = take(n * d)
	if v.vecs == "" && n*d > 0 {
		return nil, errors.New("vectors file is cut short")
	}
	v.text = data[at:]
	if int(u32(v.offsets, 4*n)) != len(v.text) {
		return nil, errors.New("vectors file: words do not match their offsets")
	}
	return v, nil
}

func u32(s string, at int) uint32 {
	return binary.LittleEndian.Uint32(unsafe.Slice(unsafe.StringData(s[at:at+4]), 4))
}

// Len returns the number of words.
func (v *Vectors) Len() int { return v.n }

// Dims returns the number of dimensions of a vector.
func (v *Vectors) Dims() int { return v.dims }

func (v *Vectors) word(i int) string {
	return v.text[u32(v.offsets, 4*i):u32(v.offsets, 4*i+4)]
}

// Lookup returns the number of a word, or -1 when it has no vector.
func (v *Vectors) Lookup(w string) int {
	i := sort.Search(v.n, func(i int) bool { return v.word(i) >= w })
	if i < v.n && v.word(i) == w {
		return i
	}
	return -1
}

// Rank returns word i's place in frequency order, 0 the most frequent.
func (v *Vectors) Rank(i int) int { return int(u32(v.ranks, 4*i)) }

// Word returns word i.
func (v *Vectors) Word(i int) string { return v.word(i) }

// Prob estimates how often word i occurs in English text, from its rank
// (Zipf's law, normalised over the table).
func (v *Vectors) Prob(i int) float64 {
	return 1 / ((float64(v.Rank(i)) + 2.7) * zipfNorm(v.n))
}

// zipfNorm is the sum of 1/(r+2.7) over the ranks, approximated.
func zipfNorm(n int) float64 { return math.Log((float64(n) + 2.7) / 2.2) }

// AddTo adds weight times word i's vector to dst, which has Dims values.
func (v *Vectors) AddTo(dst []float32, i int, weight float32) {
	s := math.Float32frombits(u32(v.scales, 4*i)) * weight
	row := v.vecs[i*v.dims : (i+1)*v.dims]
	for j := range dst[:v.dims] {
		dst[j] += s * float32(int8(row[j]))
	}
}

// Vector returns a copy of word i's vector.
func (v *Vectors) Vector(i int) []float32 {
	out := make([]float32, v.dims)
	v.AddTo(out, i, 1)
	return out
}

// Cosine is the cosine similarity of two vectors of the same length, 0 when
// either is zero.
func Cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}
