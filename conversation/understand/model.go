package understand

import (
	"math"
	"math/rand/v2"
	"slices"
)

// A multinomial logistic regression (softmax) over the hashed features of
// extract, trained by stochastic gradient descent with L2 regularisation.
// It gives probabilities that mean something (on cross-validation of the
// train split a prediction at 0.9 is right about nine times in ten) and is
// small: one float32 per feature and class, only for features seen in
// training. Training is deterministic — a fixed shuffle — so every replica
// that learns from the same examples gets the same model.

// vocab maps feature hashes to dense indices. One vocabulary serves all
// the models of an Understander: the category model reads every feature
// seen in training, the others only the first common ones (seen at least
// minFeatureCount times; a feature seen once is noise to them).
type vocab struct {
	index  map[uint64]int32
	hashes []uint64 // index → hash
	common int32    // indices below it are the common features
}

func (v *vocab) hashOf(i int32) uint64 { return v.hashes[i] }

func (v *vocab) id(h uint64, grow bool) (int32, bool) {
	if i, ok := v.index[h]; ok {
		return i, true
	}
	if !grow {
		return 0, false
	}
	i := int32(len(v.index))
	v.index[h] = i
	v.hashes = append(v.hashes, h)
	return i, true
}

// vector is a message's features as vocabulary indices, each with the
// value n^-normPower.
type vector struct {
	ids []int32
	val float32
}

func (v *vocab) vector(hashes []uint64, grow bool) vector {
	ids := make([]int32, 0, len(hashes))
	for _, h := range hashes {
		if i, ok := v.id(h, grow); ok {
			ids = append(ids, i)
		}
	}
	x := vector{ids: ids}
	if len(ids) > 0 {
		// The norm counts every feature of the message, known or not,
		// so that unseen words dilute what is known.
		x.val = float32(math.Pow(float64(len(hashes)), -normPower))
	}
	return x
}

// commonOf is x with only the common features, the same value.
func (v *vocab) commonOf(x vector) vector {
	ids := make([]int32, 0, len(x.ids))
	for _, i := range x.ids {
		if i < v.common {
			ids = append(ids, i)
		}
	}
	if len(ids) == 0 {
		return vector{}
	}
	return vector{ids: ids, val: x.val}
}

// sample is one training message.
type sample struct {
	x      vector
	label  int
	weight float32
}

// linear is a trained softmax model: w[f*k+c] is the weight of feature f
// for class c, b[c] the bias.
type linear struct {
	k     int
	w     []float32
	b     []float32
	scale []float32 // per feature, nil for 1: NB log-count ratios (nbScale), idf weights (category)
}

// trainOptions are the hyper-parameters (tuned on the dev split and
// cross-validation of the train split, see BENCHMARKS.md).
type trainOptions struct {
	epochs int
	rate   float64 // initial learning rate
	l2     float64 // regularisation per example
	seed   uint64
	nb     float64 // > 0: scale features by naive-Bayes ratios with this smoothing (binary models)
	// biasRate slows the biases: at the features' pace a class's bias
	// runs away on an unbalanced corpus and outweighs what the message
	// says about a category a company taught with a dozen examples.
	biasRate float64
}

var defaultTraining = trainOptions{epochs: 10, rate: 5, l2: 1e-4, seed: 10, biasRate: 1}

// train fits a k-class model on examples over nfeat features.
func train(examples []sample, k, nfeat int, o trainOptions) *linear {
	var scale []float32
	if o.nb > 0 && k == 2 {
		scale = nbScale(examples, nfeat, o.nb)
	}
	return trainScaled(examples, k, nfeat, o, scale)
}

// trainScaled fits a model whose feature f has the value x.val×scale[f]
// (scale nil: x.val).
func trainScaled(examples []sample, k, nfeat int, o trainOptions, scale []float32) *linear {
	m := &linear{k: k, w: make([]float32, nfeat*k), b: make([]float32, k), scale: scale}
	if len(examples) == 0 {
		return m
	}
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.seed, 0x9e3779b97f4a7c15))
	p := make([]float64, k)
	gs := make([]float32, k)
	active := make([]int, 0, k)
	steps := float64(o.epochs * len(examples))
	t := 0.0
	for range o.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			e := &examples[i]
			rate := o.rate * (1 - 0.9*t/steps) // decays to a tenth
			t++
			m.scores(e.x, p)
			softmax(p)
			decay := float32(1 - rate*o.l2)
			// The gradient of each class; classes the model already
			// rules out (probability under 1e-4, not the label) are
			// skipped: most of them, after the first epochs.
			active := active[:0]
			for c := range k {
				g := p[c]
				if c == e.label {
					g -= 1
				} else if g < 1e-4 {
					continue
				}
				step := float32(rate*g) * e.weight
				m.b[c] -= step * float32(o.biasRate)
				gs[c] = step * e.x.val
				active = append(active, c)
			}
			for _, f := range e.x.ids {
				row := m.w[int(f)*k : int(f)*k+k]
				sc := m.scaleOf(f)
				for _, c := range active {
					row[c] = row[c]*decay - gs[c]*sc
				}
			}
		}
	}
	return m
}

// scores puts the raw scores of x in p (len k).
func (m *linear) scores(x vector, p []float64) {
	for c := range m.k {
		p[c] = float64(m.b[c])
	}
	for _, f := range x.ids {
		row := m.w[int(f)*m.k : int(f)*m.k+m.k]
		v := x.val * m.scaleOf(f)
		for c, w := range row {
			p[c] += float64(w * v)
		}
	}
}

// predict gives the class probabilities of x.
func (m *linear) predict(x vector) []float64 {
	p := make([]float64, m.k)
	m.scores(x, p)
	softmax(p)
	return p
}

func softmax(p []float64) {
	hi := slices.Max(p)
	sum := 0.0
	for i, v := range p {
		p[i] = math.Exp(v - hi)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

// contribution is how much one feature pushed x towards class c.
func (m *linear) contribution(x vector, f int32, c int) float64 {
	return float64(m.w[int(f)*m.k+c] * x.val * m.scaleOf(f))
}

func (m *linear) scaleOf(f int32) float32 {
	if m.scale == nil {
		return 1
	}
	return m.scale[f]
}

// nbScale gives a binary problem's features their naive-Bayes log-count
// ratio (Wang & Manning's NBSVM): a feature seen mostly in one class
// starts with a large value, which helps a model learn from few examples.
func nbScale(samples []sample, nfeat int, alpha float64) []float32 {
	pos, neg := make([]float64, nfeat), make([]float64, nfeat)
	var np, nn float64
	for _, e := range samples {
		cnt := pos
		if e.label == 0 {
			cnt = neg
		}
		for _, f := range e.x.ids {
			cnt[f] += float64(e.weight)
		}
	}
	for f := range nfeat {
		np += pos[f] + alpha
		nn += neg[f] + alpha
	}
	scale := make([]float32, nfeat)
	for f := range nfeat {
		scale[f] = float32(math.Abs(math.Log((pos[f] + alpha) / np / ((neg[f] + alpha) / nn))))
	}
	return scale
}

// normPower: a message's features have the value n^-normPower (n its
// feature count), so a long rant weighs no more than a short message; 0.5
// was best on the dev split of the values tried (0.35, 0.5, 0.65).
var normPower = 0.5
