// Command genlexicon derives clinicbot's English lexicon from WordNet.
//
// The lexicon links a word to the words a patient might use for it: its
// derivationally related forms (die, death, dead; infect, infection) and the
// synonyms of its most common sense (cure, remedy). It also records
// irregular inflections (died -> die, children -> child). The index uses it
// to match questions that say the same thing in other words; it is general
// English, not tuned to any knowledge base.
//
// Usage (WordNet 3.0 from Debian's wordnet-base package):
//
//	go run ./tools/genlexicon -wordnet /usr/share/wordnet | gzip -9 > index/lexicon_en.tsv.gz
//	go test ./index -run TestLexiconPacked -update   # packs it into index/lexicon_en.bin, which is embedded
//
// Output lines: "word<TAB>derived forms<TAB>synonyms" (space-separated;
// both may be empty: every single-word lemma is listed, so the index knows a
// real word from a typo), and "=inflected<TAB>base" for irregular forms.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

type synset struct {
	words []string
	// deriv[i] lists (target offset key, target word number) for word i+1.
	deriv map[int][]ptr
}

type ptr struct {
	key    string // pos + offset
	target int
}

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "WordNet dict folder")
	senses := flag.Int("senses", 1, "how many of a word's most common senses give synonyms")
	flag.Parse()
	if err := run(*dir, *senses); err != nil {
		fmt.Fprintln(os.Stderr, "genlexicon:", err)
		os.Exit(1)
	}
}

func run(dir string, nSenses int) error {
	poss := map[string]string{"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
	synsets := map[string]*synset{}
	for file, p := range poss {
		if err := readData(filepath.Join(dir, "data."+file), p, synsets); err != nil {
			return err
		}
	}
	lemmas := map[string]bool{} // every single-word lemma: a real English word
	derivs := map[string]map[string]bool{}
	syns := map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, w, v string) {
		if w == v || !plainWord(v) {
			return
		}
		if m[w] == nil {
			m[w] = map[string]bool{}
		}
		m[w][v] = true
	}
	for file, p := range poss {
		f, err := os.Open(filepath.Join(dir, "index."+file))
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, " ") {
				continue
			}
			fs := strings.Fields(line)
			lemma := fs[0]
			if !plainWord(lemma) {
				continue
			}
			lemmas[lemma] = true
			nSyn, _ := strconv.Atoi(fs[2])
			offs := fs[len(fs)-nSyn:]
			tagged, _ := strconv.Atoi(fs[len(fs)-nSyn-1])
			for i, off := range offs {
				ss := synsets[p+off]
				if ss == nil {
					continue
				}
				me := 0
				for j, w := range ss.words {
					if w == lemma {
						me = j + 1
					}
				}
				// Derived forms from the two most common senses.
				if i < 2 && me > 0 {
					for _, d := range ss.deriv[me] {
						if t := synsets[d.key]; t != nil && d.target >= 1 && d.target <= len(t.words) {
							add(derivs, lemma, t.words[d.target-1])
						}
					}
				}
				// Synonyms from the most common senses seen in tagged text.
				if i < nSenses && (i < tagged || tagged == 0) {
					for _, w := range ss.words {
						add(syns, lemma, w)
					}
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	sorted := make([]string, 0, len(lemmas))
	for w := range lemmas {
		sorted = append(sorted, w)
	}
	sort.Strings(sorted)
	for _, w := range sorted {
		fmt.Fprintf(out, "%s\t%s\t%s\n", w, keys(derivs[w]), keys(syns[w]))
	}
	// Irregular inflections.
	var exc []string
	for _, file := range []string{"noun.exc", "verb.exc", "adj.exc", "adv.exc"} {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) >= 2 && plainWord(fs[0]) && plainWord(fs[1]) && fs[0] != fs[1] {
				exc = append(exc, fmt.Sprintf("=%s\t%s", fs[0], fs[1]))
			}
		}
		f.Close()
	}
	sort.Strings(exc)
	for i, l := range exc {
		if i > 0 && exc[i-1] == l {
			continue
		}
		fmt.Fprintln(out, l)
	}
	return nil
}

func keys(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// plainWord keeps single lowercase words of letters: no phrases, names or numbers.
func plainWord(w string) bool {
	if len(w) < 2 {
		return false
	}
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func readData(path, p string, synsets map[string]*synset) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, " ") {
			continue
		}
		if i := strings.Index(line, " | "); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		off := fs[0]
		wcnt, err := strconv.ParseInt(fs[3], 16, 0)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		ss := &synset{deriv: map[int][]ptr{}}
		k := 4
		for i := 0; i < int(wcnt); i++ {
			w := strings.ToLower(fs[k])
			if j := strings.IndexByte(w, '('); j >= 0 { // adjective markers like (a)
				w = w[:j]
			}
			ss.words = append(ss.words, w)
			k += 2
		}
		pcnt, _ := strconv.Atoi(fs[k])
		k++
		for i := 0; i < pcnt; i++ {
			sym, toff, tpos, st := fs[k], fs[k+1], fs[k+2], fs[k+3]
			k += 4
			if sym != "+" {
				continue
			}
			if tpos == "s" {
				tpos = "a"
			}
			src, _ := strconv.ParseInt(st[:2], 16, 0)
			dst, _ := strconv.ParseInt(st[2:], 16, 0)
			ss.deriv[int(src)] = append(ss.deriv[int(src)], ptr{key: tpos + toff, target: int(dst)})
		}
		synsets[p+off] = ss
	}
	return sc.Err()
}
