package understand

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"testing"
)

// BenchmarkNew is start-up: training every model from the corpus (its
// features computed once per process, as at start-up) and the example
// company's keywords.
func BenchmarkNew(b *testing.B) {
	example(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(exampleCfg); err != nil {
			b.Fatal(err)
		}
	}
	u, _ := New(exampleCfg)
	b.ReportMetric(float64(u.m.size())/(1<<20), "model-MiB")
	b.ReportMetric(float64(len(u.m.voc.index)), "features")
}

// BenchmarkNewCold adds reading and featurising the embedded corpus,
// which a process does once.
func BenchmarkNewCold(b *testing.B) {
	example(b)
	b.ReportAllocs()
	for b.Loop() {
		lines, err := readCorpus(trainFS, "train")
		if err != nil {
			b.Fatal(err)
		}
		docs := make([]corpusDoc, len(lines))
		for i, l := range lines {
			docs[i] = corpusDoc{line: l, hashes: featuresOf(l.Text)}
		}
		trainOn(exampleU.categories, docs, nil)
	}
}

// BenchmarkAnalyzeDev is Analyze over the dev split's messages, per
// message.
func BenchmarkAnalyzeDev(b *testing.B) {
	u := example(b)
	lines, err := DevCorpus()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u.Analyze(lines[i%len(lines)].Text)
		i++
	}
}

// TestLearningCurve (HEED_DEV=1) trains on at most n lines per category
// of the train split (the first n of each in an order mixing the files; all
// non-category lines kept) and measures category accuracy on dev.
func TestLearningCurve(t *testing.T) {
	if os.Getenv("HEED_DEV") == "" {
		t.Skip("set HEED_DEV=1 to draw the learning curve on the dev split")
	}
	u := example(t)
	docs, err := corpusDocs()
	if err != nil {
		t.Fatal(err)
	}
	dev, err := DevCorpus()
	if err != nil {
		t.Fatal(err)
	}
	// A fixed order that mixes every file: by a hash of the text.
	docs = slices.Clone(docs)
	slices.SortStableFunc(docs, func(a, b corpusDoc) int {
		return cmp.Compare(uint64(newHash('o').str(a.line.Text)), uint64(newHash('o').str(b.line.Text)))
	})
	for _, n := range []int{25, 50, 100, 200, 400, 1 << 30} {
		var sub []corpusDoc
		per := map[string]int{}
		for _, d := range docs {
			if c := d.line.Category; c != "" {
				if per[c] >= n {
					continue
				}
				per[c]++
			}
			sub = append(sub, d)
		}
		m := trainOn(u.categories, sub, nil)
		right, total := 0, 0
		for _, l := range dev {
			if l.Category == "" {
				continue
			}
			total++
			p := m.cat.predict(m.voc.vector(featuresOf(l.Text), false))
			if u.categories[argmax(p)].ID == l.Category {
				right++
			}
		}
		counts := slices.Collect(func(yield func(int) bool) {
			for _, v := range per {
				if !yield(v) {
					return
				}
			}
		})
		label := fmt.Sprint(n)
		if n == 1<<30 {
			label = "all"
		}
		t.Logf("at most %s per category (%d–%d): dev accuracy %.1f %% (%d of %d)", label, slices.Min(counts), slices.Max(counts),
			100*float64(right)/float64(total), right, total)
	}
}
