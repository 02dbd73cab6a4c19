package index

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"unsafe"
)

// lexiconPacked is general English word knowledge derived from WordNet 3.0
// (Princeton University; see tools/genlexicon for how it is made and its
// licence), packed as the lexicon holds it in memory (see packLexicon),
// so that it is read in place rather than parsed at start. It is not tuned
// to any knowledge base. lexicon_en.tsv.gz beside it is its source, which
// TestLexiconPacked checks it against (and rewrites it from with -update).
//
//go:embed lexicon_en.bin
var lexiconPacked string

// lexicon relates English words to other words a patient might use for the
// same thing.
//
// It holds some hundred thousand words for the life of the process, so it
// is kept free of pointers: every string is a piece of one text, found
// through a hash table of numbers. Maps of strings would give the garbage
// collector that many more pointers to trace in every cycle, which slowed
// every search while it ran.
type lexicon struct {
	text  string   // every string, one after another
	off   []uint32 // string i is text[off[i]:off[i+1]]
	table []uint32 // open addressing by hash: string number + 1, or 0
	// Per string number:
	word      []bool   // whether the lexicon lists it as a word
	irregular []int32  // its base form, for an irregular form (died -> die), or -1
	derived   []uint32 // die -> death; infection -> infect: rel[derived[i]:synonyms[i]]
	synonyms  []uint32 // cure -> remedy, heal: rel[synonyms[i]:derived[i+1]]
	rel       []uint32 // string numbers
	withSyn   []bool   // whether the lexicon lists the word with synonyms
}

// english is unpacked once, on first use.
var english = sync.OnceValue(func() *lexicon {
	l, err := unpackLexicon(lexiconPacked)
	if err != nil {
		// The packed file is part of the build (TestLexiconPacked); an
		// empty lexicon only loses recall.
		return newLexiconBuilder().finish()
	}
	return l
})

// parseLexicon reads the lexicon's source, lexicon_en.tsv.gz.
func parseLexicon(gz []byte) (*lexicon, error) {
	b := newLexiconBuilder()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "="); ok {
			if w, base, ok := strings.Cut(rest, "\t"); ok {
				b.irregular[b.add(w)] = b.add(base) // a later line wins
			}
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			continue
		}
		i := b.add(f[0])
		b.word[i] = true
		// A later line's relations win, as an empty field leaves them.
		if f[1] != "" {
			b.derived[i] = b.ids(strings.Fields(f[1]))
		}
		if f[2] != "" {
			b.synonyms[i] = b.ids(strings.Fields(f[2]))
			b.hasSynonyms[i] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return b.finish(), nil
}

// The packed lexicon: lexiconMagic, then the lengths of text, table and
// rel and the number of strings n, as little-endian uint32s; then text,
// padded with zeros to a multiple of 4 bytes; then off (n+1), table,
// irregular (n), derived (n+1), synonyms (n) and rel as little-endian
// uint32s; then word and withSyn, a byte (0 or 1) per string.
const lexiconMagic = "clinicbot lexicon 1\n"

// packLexicon packs l (see lexiconMagic).
func packLexicon(l *lexicon) []byte {
	n := len(l.off) - 1
	out := []byte(lexiconMagic)
	for _, v := range []int{len(l.text), len(l.table), len(l.rel), n} {
		out = binary.LittleEndian.AppendUint32(out, uint32(v))
	}
	out = append(out, l.text...)
	for (len(out)-len(lexiconMagic))%4 != 0 {
		out = append(out, 0)
	}
	for _, a := range [][]uint32{l.off, l.table, int32s(l.irregular), l.derived, l.synonyms, l.rel} {
		for _, v := range a {
			out = binary.LittleEndian.AppendUint32(out, v)
		}
	}
	for _, a := range [][]bool{l.word, l.withSyn} {
		for _, v := range a {
			b := byte(0)
			if v {
				b = 1
			}
			out = append(out, b)
		}
	}
	return out
}

func int32s(a []int32) []uint32 {
	out := make([]uint32, len(a))
	for i, v := range a {
		out[i] = uint32(v)
	}
	return out
}

// unpackLexicon returns the lexicon packed in data. Its numbers are read
// in place where data is aligned for them on a little-endian machine (as
// an embedded file is), else copied; its text always is read in place.
func unpackLexicon(data string) (*lexicon, error) {
	rest, ok := strings.CutPrefix(data, lexiconMagic)
	if !ok || len(rest) < 16 {
		return nil, errors.New("lexicon: not a packed lexicon")
	}
	head := make([]int, 4)
	for i := range head {
		head[i] = int(binary.LittleEndian.Uint32([]byte(rest[4*i : 4*i+4])))
	}
	nText, nTable, nRel, n := head[0], head[1], head[2], head[3]
	rest = rest[16:]
	padded := (nText + 3) &^ 3
	nums := (n + 1) + nTable + n + (n + 1) + n + nRel
	if len(rest) != padded+4*nums+2*n {
		return nil, errors.New("lexicon: packed lexicon of the wrong size")
	}
	l := &lexicon{text: rest[:nText]}
	rest = rest[padded:]
	take := func(k int) []uint32 {
		a := u32s(rest[:4*k])
		rest = rest[4*k:]
		return a
	}
	l.off = take(n + 1)
	l.table = take(nTable)
	irr := take(n)
	l.irregular = unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(irr))), len(irr))
	l.derived = take(n + 1)
	l.synonyms = take(n)
	l.rel = take(nRel)
	for i := range 2 * n {
		if rest[i] > 1 {
			return nil, errors.New("lexicon: packed lexicon inconsistent")
		}
	}
	l.word = bools(rest[:n])
	l.withSyn = bools(rest[n : 2*n])
	if nTable&(nTable-1) != 0 || l.off[n] != uint32(nText) || (n > 0 && l.derived[n] != uint32(nRel)) {
		return nil, errors.New("lexicon: packed lexicon inconsistent")
	}
	return l, nil
}

// littleEndian is whether this machine stores numbers as the packed
// lexicon does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// u32s returns the little-endian uint32s of s, in place if it can.
func u32s(s string) []uint32 {
	k := len(s) / 4
	if k == 0 {
		return nil
	}
	p := unsafe.StringData(s)
	if littleEndian && uintptr(unsafe.Pointer(p))%4 == 0 {
		return unsafe.Slice((*uint32)(unsafe.Pointer(p)), k)
	}
	out := make([]uint32, k)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32([]byte(s[4*i : 4*i+4]))
	}
	return out
}

// bools returns the bytes of s as bools, in place (each is 0 or 1).
func bools(s string) []bool {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*bool)(unsafe.Pointer(unsafe.StringData(s))), len(s))
}

// lexiconBuilder collects the lexicon before it is packed.
type lexiconBuilder struct {
	id          map[string]int32
	strs        []string
	word        []bool
	irregular   []int32
	derived     [][]uint32
	synonyms    [][]uint32
	hasSynonyms []bool
}

func newLexiconBuilder() *lexiconBuilder { return &lexiconBuilder{id: map[string]int32{}} }

func (b *lexiconBuilder) add(s string) int32 {
	if i, ok := b.id[s]; ok {
		return i
	}
	i := int32(len(b.strs))
	b.id[s] = i
	b.strs = append(b.strs, s)
	b.word = append(b.word, false)
	b.irregular = append(b.irregular, -1)
	b.derived = append(b.derived, nil)
	b.synonyms = append(b.synonyms, nil)
	b.hasSynonyms = append(b.hasSynonyms, false)
	return i
}

func (b *lexiconBuilder) ids(ws []string) []uint32 {
	out := make([]uint32, len(ws))
	for i, w := range ws {
		out[i] = uint32(b.add(w))
	}
	return out
}

func (b *lexiconBuilder) finish() *lexicon {
	n := len(b.strs)
	l := &lexicon{
		off:       make([]uint32, n+1),
		word:      b.word,
		irregular: b.irregular,
		derived:   make([]uint32, n+1),
		synonyms:  make([]uint32, n),
	}
	var text strings.Builder
	for i, s := range b.strs {
		text.WriteString(s)
		l.off[i+1] = uint32(text.Len())
		l.derived[i] = uint32(len(l.rel))
		l.rel = append(l.rel, b.derived[i]...)
		l.synonyms[i] = uint32(len(l.rel))
		l.rel = append(l.rel, b.synonyms[i]...)
	}
	l.derived[n] = uint32(len(l.rel))
	l.text = text.String()
	size := 1
	for size < 2*n+1 {
		size *= 2
	}
	l.table = make([]uint32, size)
	for i := range b.strs {
		for h := lexHash(b.strs[i]) & uint32(size-1); ; h = (h + 1) & uint32(size-1) {
			if l.table[h] == 0 {
				l.table[h] = uint32(i + 1)
				break
			}
		}
	}
	l.withSyn = b.hasSynonyms
	return l
}

// lexHash is FNV-1a.
func lexHash[S string | []byte](s S) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// lookup returns the number of string s, or -1.
func lookup[S string | []byte](l *lexicon, s S) int32 {
	if len(l.table) == 0 {
		return -1
	}
	mask := uint32(len(l.table) - 1)
	for h := lexHash(s) & mask; ; h = (h + 1) & mask {
		i := l.table[h]
		if i == 0 {
			return -1
		}
		if l.str(int32(i-1)) == string(s) {
			return int32(i - 1)
		}
	}
}

func (l *lexicon) str(i int32) string { return l.text[l.off[i]:l.off[i+1]] }

func (l *lexicon) strs(ids []uint32) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = l.str(int32(id))
	}
	return out
}

func (l *lexicon) known(w string) bool {
	i := lookup(l, w)
	return i >= 0 && l.word[i]
}

// derivedOf returns the words derived from or to the word (die -> death).
func (l *lexicon) derivedOf(w string) []string {
	i := lookup(l, w)
	if i < 0 {
		return nil
	}
	return l.strs(l.rel[l.derived[i]:l.synonyms[i]])
}

// synonymsOf returns the word's synonyms (cure -> remedy, heal).
func (l *lexicon) synonymsOf(w string) []string {
	i := lookup(l, w)
	if i < 0 {
		return nil
	}
	return l.strs(l.rel[l.synonyms[i]:l.derived[i+1]])
}

// withSynonyms returns the words listed with synonyms.
func (l *lexicon) withSynonyms() []string {
	var out []string
	for i, ok := range l.withSyn {
		if ok {
			out = append(out, l.str(int32(i)))
		}
	}
	return out
}

// morphy suffix rules, after WordNet's: inflected ending -> base ending.
var morphyRules = [][2]string{
	{"ies", "y"}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"},
	{"es", "e"}, {"es", ""}, {"s", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""},
	{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"},
}

// bases returns the dictionary forms of w that the lexicon knows.
func (l *lexicon) bases(w string) []string {
	var out []string
	l.eachBase(w, func(b string) bool {
		out = append(out, b)
		return true
	})
	return out
}

// hasBase is whether bases(w) would return any.
func (l *lexicon) hasBase(w string) bool {
	found := false
	l.eachBase(w, func(string) bool {
		found = true
		return false
	})
	return found
}

// eachBase calls yield with each dictionary form of w, in the order bases
// returns them, until yield returns false.
func (l *lexicon) eachBase(w string, yield func(string) bool) {
	i := lookup(l, w)
	if i >= 0 {
		if b := l.irregular[i]; b >= 0 && !yield(l.str(b)) {
			return
		}
		if l.word[i] && !yield(w) {
			return
		}
	}
	var buf [64]byte
	for _, r := range morphyRules {
		if stem, ok := strings.CutSuffix(w, r[0]); ok && len(stem) >= 2 {
			b := append(append(buf[:0], stem...), r[1]...)
			if j := lookup(l, b); j >= 0 && l.word[j] && !yield(l.str(j)) {
				return
			}
		}
	}
}
