package index_test

// The comparison benchmarks: clinicbot next to the plain Bleve index of
// package baseline, on the same knowledge and the same questions, in the
// same run, each question asked of both in turn so that a noisy machine
// slows both alike. Only under -bench:
//
//	go test ./index -run XXX -bench Compare -benchtime 3000x
//
// Per-answer figures are in µs (mean and p50 of each, and their ratios);
// build figures (-bench CompareBuild10k -benchtime 3x) in ms, peak heap in MB (sampled every millisecond) and
// peak RSS in MB (the process's high-water mark, reset before each build).

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/baseline"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/safety"
)

// benchDir is where the public benchmarks sit: beside the repository.
const benchDir = "../../shared/bench"

var compareTexts = answer.Texts{
	ClinicName: "London Spine Unit", BookingURL: "https://clinic.example/book",
	Contact: "19 Harley St", EmergencyNumber: "999", EmergencyDepartment: "A&E",
	UrgentAdvice: "NHS 111", CrisisLine: "Samaritans on 116 123",
}

// queries reads the query of every line of a JSON-lines file.
func queries(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var qs []string
	for _, line := range strings.Split(string(data), "\n") {
		var q struct{ Query string }
		if json.Unmarshal([]byte(line), &q) == nil && q.Query != "" {
			qs = append(qs, q.Query)
		}
	}
	return qs
}

// engineFor builds clinicbot's whole answering engine over base, with the
// clinic's red flags and the given settings file ("" for the defaults).
func engineFor(tb testing.TB, base *knowledge.Base, settings string) (*answer.Engine, *index.Index) {
	tb.Helper()
	chk, err := safety.Load(knowledge.Clinic(), "red_flags.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	s := answer.DefaultSettings()
	if settings != "" {
		if s, err = answer.LoadSettings(settings); err != nil {
			tb.Fatal(err)
		}
	}
	ix, err := index.Build(base)
	if err != nil {
		tb.Fatal(err)
	}
	return answer.New(ix, chk, s, compareTexts), ix
}

func BenchmarkCompareClinic(b *testing.B) {
	base, err := knowledge.Load(knowledge.Clinic())
	if err != nil {
		b.Fatal(err)
	}
	compareAnswers(b, base, "", queries(b, "../tests/clinic/questions.jsonl"))
}

func BenchmarkCompareCLINC150(b *testing.B) {
	dir := benchDir + "/clinc150"
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("skipped: %s not found (it sits beside the repository)", dir)
	}
	base, err := knowledge.LoadDir(dir + "/knowledge")
	if err != nil {
		b.Fatal(err)
	}
	compareAnswers(b, base, "../tests/bench/clinc150.settings.yaml", queries(b, dir+"/dev_queries.jsonl"))
}

// compareAnswers asks each question of the plain Bleve index, of
// clinicbot's search and of its whole answer, in turn, and reports each
// one's mean and median and clinicbot's ratios to plain Bleve.
func compareAnswers(b *testing.B, base *knowledge.Base, settings string, qs []string) {
	plain, err := baseline.Build(base)
	if err != nil {
		b.Fatal(err)
	}
	defer plain.Close()
	eng, ix := engineFor(b, base, settings)
	defer ix.Close()
	ctx := context.Background()
	var tPlain, tSearch, tAnswer []time.Duration
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		i++
		t0 := time.Now()
		if _, err := plain.Search(ctx, q, 5); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := ix.Search(ctx, q, 5); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		eng.Answer(ctx, q)
		t3 := time.Now()
		tPlain = append(tPlain, t1.Sub(t0))
		tSearch = append(tSearch, t2.Sub(t1))
		tAnswer = append(tAnswer, t3.Sub(t2))
	}
	mp, ms, ma := mean(tPlain), mean(tSearch), mean(tAnswer)
	pp, ps, pa := median(tPlain), median(tSearch), median(tAnswer)
	b.ReportMetric(mp, "plain-µs")
	b.ReportMetric(ms, "search-µs")
	b.ReportMetric(ma, "answer-µs")
	b.ReportMetric(pp, "plain-p50-µs")
	b.ReportMetric(ps, "search-p50-µs")
	b.ReportMetric(pa, "answer-p50-µs")
	b.ReportMetric(ma/mp, "answer/plain")
	b.ReportMetric(pa/pp, "answer/plain-p50")
	b.ReportMetric(ms/mp, "search/plain")
	b.ReportMetric(0, "ns/op") // the figures above are the ones that count
}

func mean(ds []time.Duration) float64 {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return float64(sum.Microseconds()) / float64(max(len(ds), 1))
}

func median(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return float64(s[len(s)/2].Nanoseconds()) / 1e3
}

func BenchmarkCompareBuild10k(b *testing.B) { compareBuild(b, 10000) }

// There is no 50,000-entry benchmark: one knowledge folder holds at most
// knowledge.MaxEntries (10,000) entries and 32 MB, so a group of clinics
// that size is several folders, each its own index.

// compareBuild builds each index over n generated entries and answers one
// question, in turn, and reports the time to that first answer and the
// peak memory of each.
func compareBuild(b *testing.B, n int) {
	base := index.SyntheticBase(b, n)
	q := base.Entries[n/3].Alternates[1]
	ctx := context.Background()
	var plainMs, oursMs, plainHeap, oursHeap, plainRSS, oursRSS []float64
	for b.Loop() {
		ms, heap, rss := measure(func() {
			plain, err := baseline.Build(base)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := plain.Search(ctx, q, 5); err != nil {
				b.Fatal(err)
			}
			plain.Close()
		})
		plainMs, plainHeap, plainRSS = append(plainMs, ms), append(plainHeap, heap), append(plainRSS, rss)
		ms, heap, rss = measure(func() {
			eng, ix := engineFor(b, base, "")
			eng.Answer(ctx, q)
			ix.Close()
		})
		oursMs, oursHeap, oursRSS = append(oursMs, ms), append(oursHeap, heap), append(oursRSS, rss)
	}
	b.ReportMetric(mid(plainMs), "plain-ms")
	b.ReportMetric(mid(oursMs), "ours-ms")
	b.ReportMetric(mid(oursMs)/mid(plainMs), "ours/plain")
	b.ReportMetric(mid(plainHeap), "plain-peak-heap-MB")
	b.ReportMetric(mid(oursHeap), "ours-peak-heap-MB")
	b.ReportMetric(mid(plainRSS), "plain-peak-RSS-MB")
	b.ReportMetric(mid(oursRSS), "ours-peak-RSS-MB")
	b.ReportMetric(0, "ns/op")
}

func mid(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// measure runs f and returns its wall time in ms, the peak of the heap's
// objects (live and not yet swept) in MB, sampled every millisecond, and
// the process's peak RSS in MB while it ran (0 where Linux's reset of the
// high-water mark is not available).
func measure(f func()) (ms, heapMB, rssMB float64) {
	runtime.GC()
	debug.FreeOSMemory()
	resetRSS := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	f()
	ms = float64(time.Since(start).Microseconds()) / 1e3
	close(stop)
	wg.Wait()
	heapMB = float64(peak) / (1 << 20)
	if resetRSS {
		rssMB = float64(peakRSS()) / 1024
	}
	return ms, heapMB, rssMB
}

// peakRSS is the process's VmHWM in KB, from /proc/self/status.
func peakRSS() int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb
		}
	}
	return 0
}
