package understand

import (
	"math"
	"os"
	"slices"
	"testing"

	"github.com/heedhq/heed/config"
)

// crossValidate trains on k-1 folds of the train split and predicts the
// held-out fold: the category probabilities and the emergency model's
// probability of each line, out of fold.
type cvOut struct {
	doc   corpusDoc
	cat   int // labelled category index, -1 none
	p     []float64
	emerg float64
}

func crossValidate(tb testing.TB, k int) []cvOut {
	u := example(tb)
	docs, err := corpusDocs()
	if err != nil {
		tb.Fatal(err)
	}
	var out []cvOut
	for fold := range k {
		var trainDocs, held []corpusDoc
		for i, d := range docs {
			if i%k == fold {
				held = append(held, d)
			} else {
				trainDocs = append(trainDocs, d)
			}
		}
		m := trainOn(u.categories, trainDocs, nil)
		for _, d := range held {
			x := m.voc.vector(d.hashes, false)
			cat := slices.IndexFunc(u.categories, func(c config.Category) bool { return c.ID == d.line.Category })
			out = append(out, cvOut{doc: d, cat: cat, p: m.cat.predict(x), emerg: m.emerg.predict(m.voc.commonOf(x))[1]})
		}
	}
	return out
}

// TestCrossValidation reports (HEED_CV=1) the calibration of the category
// probabilities on 5-fold cross-validation of the train split, the
// temperature that calibrates them best, and accuracy above thresholds:
// how UnsureBelow and categoryTemperature were chosen.
func TestCrossValidation(t *testing.T) {
	if os.Getenv("HEED_CV") == "" {
		t.Skip("set HEED_CV=1 to cross-validate (slow)")
	}
	out := crossValidate(t, 5)
	var scored []cvOut
	for _, o := range out {
		if o.cat >= 0 {
			scored = append(scored, o)
		}
	}
	nll := func(temp float64) float64 {
		s := 0.0
		for _, o := range scored {
			s -= math.Log(max(1e-12, tempered(o.p, temp)[o.cat]))
		}
		return s / float64(len(scored))
	}
	best, bestNLL := 1.0, math.Inf(1)
	for temp := 0.25; temp <= 6; temp += 0.05 {
		if v := nll(temp); v < bestNLL {
			best, bestNLL = temp, v
		}
	}
	t.Logf("category: %d lines; temperature %.2f (NLL %.3f, at 1: %.3f; in use %.2f)", len(scored), best, bestNLL, nll(1), categoryTemperature)
	correct := 0
	for _, o := range scored {
		if argmax(o.p) == o.cat {
			correct++
		}
	}
	t.Logf("accuracy %.3f", float64(correct)/float64(len(scored)))
	for _, th := range []float64{0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8} {
		n, c := 0, 0
		for _, o := range scored {
			p := tempered(o.p, categoryTemperature)
			if p[argmax(p)] >= th {
				n++
				if argmax(p) == o.cat {
					c++
				}
			}
		}
		t.Logf("confidence ≥ %.2f: %.1f %% of messages, %.1f %% right; below: asked", th, 100*float64(n)/float64(len(scored)), 100*float64(c)/float64(max(1, n)))
	}
	// Reliability: predicted probability against the share right.
	var bins [5][2]int
	for _, o := range scored {
		p := tempered(o.p, categoryTemperature)
		b := min(4, int(p[argmax(p)]*5))
		bins[b][0]++
		if argmax(p) == o.cat {
			bins[b][1]++
		}
	}
	for i, b := range bins {
		t.Logf("probability %.1f–%.1f: %d messages, %.2f right", float64(i)/5, float64(i+1)/5, b[0], float64(b[1])/float64(max(1, b[0])))
	}
	for _, th := range []float64{0.03, 0.05, 0.1, 0.2, 0.5} {
		tp, pos, fp, neg := 0, 0, 0, 0
		for _, o := range out {
			if o.doc.line.Urgency == UrgencyEmergency {
				pos++
				if o.emerg >= th {
					tp++
				}
			} else {
				neg++
				if o.emerg >= th {
					fp++
				}
			}
		}
		t.Logf("emergency model ≥ %.2f: recall %.3f, false %.3f", th, float64(tp)/float64(pos), float64(fp)/float64(neg))
	}
}
