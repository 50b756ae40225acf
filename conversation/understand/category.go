package understand

import (
	"math"
)

// The category model: a logistic regression over TF-IDF weighted features
// and a multinomial naive Bayes over the same features, their
// log-probabilities averaged. Both read every feature seen in training,
// even once: a rare word that a single training line ties to a category
// is worth its weight on messages by other writers.
//
// Each of the three choices was measured on the dev split (mean of five
// training seeds) and on leaving one writing session of the train split
// out at a time (BENCHMARKS.md): idf weights with the rare features kept
// took the regression from 849.6 to 856 of 906; the naive Bayes, whose
// weights are counts rather than a fit, made up most of the rest (862).

type catModel struct {
	k  int
	lr *linear   // scale: each feature's idf weight
	nb []float32 // nb[f*k+c]: log P(feature f | class c)
}

// Hyper-parameters of the category model (variables for the dev sweeps).
var (
	// idfPower: a feature's weight is idf^idfPower, idf = 1+ln((N+1)/(df+1));
	// 1.5 against 1 and 2 (leaving one writing session out: 90.4 % against
	// 90.2 and 90.3; dev 855.4 against 854.2 and 854.6).
	idfPower = 1.5
	// nbAlpha smooths the naive Bayes counts (0.1 against 0.03, 0.05, 0.3).
	nbAlpha = 0.1
	// nbWeight is the naive Bayes' share of the log-probability (0.5
	// against 0.25, 0.4, 0.6).
	nbWeight = 0.5
	// nbTemperature flattens the naive Bayes, whose score grows with the
	// message's length: scores are divided by nbTemperature×√features.
	nbTemperature = 3.0
)

// idfWeights gives every feature its idf weight from its document
// frequency df among n training documents.
func idfWeights(df []float64, n int) []float32 {
	w := make([]float32, len(df))
	for i, d := range df {
		w[i] = float32(math.Pow(1+math.Log(float64(n+1)/(d+1)), idfPower))
	}
	return w
}

// weighed is x with the value that normalises its idf-weighted features
// to length 1 (features unseen in training are left out).
func weighed(x vector, idf []float32) vector {
	s := 0.0
	for _, f := range x.ids {
		s += float64(idf[f]) * float64(idf[f])
	}
	if s == 0 {
		return vector{}
	}
	return vector{ids: x.ids, val: float32(1 / math.Sqrt(s))}
}

// trainCategory fits the category model on examples (vectors over every
// feature, weights balanced) over nfeat features with their idf weights.
func trainCategory(examples []sample, k, nfeat int, idf []float32, o trainOptions) *catModel {
	xs := make([]sample, len(examples))
	for i, e := range examples {
		xs[i] = sample{x: weighed(e.x, idf), label: e.label, weight: e.weight}
	}
	return &catModel{k: k, lr: trainScaled(xs, k, nfeat, o, idf), nb: trainNB(examples, k, nfeat, nbAlpha)}
}

// trainNB counts each feature's weighted occurrences per class:
// log P(f|c) with additive smoothing alpha.
func trainNB(examples []sample, k, nfeat int, alpha float64) []float32 {
	cnt := make([]float64, nfeat*k)
	tot := make([]float64, k)
	for _, e := range examples {
		for _, f := range e.x.ids {
			cnt[int(f)*k+e.label] += float64(e.weight)
			tot[e.label] += float64(e.weight)
		}
	}
	w := make([]float32, nfeat*k)
	for i, c := range cnt {
		w[i] = float32(math.Log((c + alpha) / (tot[i%k] + alpha*float64(nfeat))))
	}
	return w
}

// predict gives the class probabilities of x (a vector over every
// feature; its value is not read).
func (m *catModel) predict(x vector) []float64 {
	p := m.lr.predict(weighed(x, m.lr.scale))
	q := make([]float64, m.k)
	for _, f := range x.ids {
		for c, w := range m.nb[int(f)*m.k : int(f)*m.k+m.k] {
			q[c] += float64(w)
		}
	}
	if n := len(x.ids); n > 0 {
		for c := range q {
			q[c] /= nbTemperature * math.Sqrt(float64(n))
		}
	}
	softmax(q)
	for c := range p {
		p[c] = (1-nbWeight)*math.Log(max(p[c], 1e-300)) + nbWeight*math.Log(max(q[c], 1e-300))
	}
	softmax(p)
	return p
}

// contributions gives how much each feature of x pushed it towards class
// c in the regression, in the order of x.ids.
func (m *catModel) contributions(x vector, c int) []float64 {
	wx := weighed(x, m.lr.scale)
	out := make([]float64, len(x.ids))
	for i, f := range x.ids {
		out[i] = m.lr.contribution(wx, f, c)
	}
	return out
}

func (m *catModel) size() int { return 4*(len(m.lr.w)+len(m.lr.b)+len(m.lr.scale)) + 4*len(m.nb) }
