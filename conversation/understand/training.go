package understand

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/heedhq/heed/config"
)

// Correction is a message whose category a person corrected: an owner
// picking another category, a specialist or manager reclassifying or
// transferring the case. heed learns from it at the next training.
type Correction struct {
	Text     string
	Category string // the final category id
	Staff    bool   // a specialist or manager corrected it (weighs more than an owner)
}

// MinExamples is how much a configured category needs to learn from when
// heed's corpus has no lines of its id: examples and keywords together.
const MinExamples = 10

// Weights of the training examples against a corpus line (1).
const (
	keywordWeight   = 0.5 // a keyword says less than a whole message
	exampleWeight   = 1.5 // the company's own wording
	ownerCorrection = 2
	staffCorrection = 4
	maxFeatureBytes = 4 << 10 // features of a long rant: its first 4 KiB (1,300 Chinese characters) are plenty

	emergencyClassYes = 1
)

// Hyper-parameters, tuned on the dev split (BENCHMARKS.md): variables so
// the dev tools (eval_dev_test.go) can sweep them.
var (
	keywordW        float32 = keywordWeight
	minFeatureCount int32   = 2 // corpus features seen once are noise
	// An emergency weighs five ordinary lines: missing one costs more
	// than asking one owner too many "is anyone in danger?".
	emergencyWeight float32 = 5
	// The emergency model learns at half the rate of the others: at the
	// same false-question rate on dev it catches one more emergency
	// (95.9 % at 4.4 % false; rate 1: 95.3 % at 4.3 %, 96.6 % at 5.6 %).
	emergencyTraining = trainOptions{epochs: 20, rate: 0.5, l2: 1e-4, seed: 10, nb: 1, biasRate: 1}
	// The category model's regression learns at 1.5 (5 before its idf
	// weights; with them, dev 862.2 of 906 against 860.2 at 2.5 and
	// 862.8 at 1, five seeds). The intent model keeps 5.
	categoryTraining = trainOptions{epochs: 10, rate: 1.5, l2: 1e-4, seed: 10, biasRate: 0.1}
	intentTraining   = trainOptions{epochs: 10, rate: 5, l2: 1e-4, seed: 10, biasRate: 0.1}
)

// models are the trained classifiers of an Understander.
type models struct {
	voc    vocab
	cat    *catModel // classes: the configured categories, in order
	intent *linear   // classes: Intents
	emerg  *linear   // classes: 0 not an emergency, 1 an emergency
	hazard *linear   // classes: Hazards
	urgent *linear   // classes: 0 normal, 1 urgent or emergency
}

// corpusFeatures are the train split's lines with their features, computed
// once per process.
type corpusDoc struct {
	line   Line
	hashes []uint64
}

var corpusDocs = sync.OnceValues(func() ([]corpusDoc, error) {
	lines, err := trainCorpus()
	if err != nil {
		return nil, err
	}
	docs := make([]corpusDoc, len(lines))
	for i, l := range lines {
		docs[i] = corpusDoc{line: l, hashes: featuresOf(l.Text)}
	}
	return docs, nil
})

func featuresOf(text string) []uint64 {
	key := keyOf(text)
	if len(key) > maxFeatureBytes {
		key = cutUTF8(key, maxFeatureBytes)
	}
	return extract(key, nil, nil)
}

func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// CheckCategories reports the configured categories heed cannot learn:
// those whose id has no lines in heed's corpus and fewer than MinExamples
// examples and keywords. Each problem names its key.
func CheckCategories(cats []config.Category) error {
	docs, err := corpusDocs()
	if err != nil {
		return err
	}
	return checkCategories(cats, docs)
}

func checkCategories(cats []config.Category, docs []corpusDoc) error {
	inCorpus := map[string]int{}
	for _, d := range docs {
		if d.line.Category != "" {
			inCorpus[d.line.Category]++
		}
	}
	var errs []error
	for i, c := range cats {
		if inCorpus[c.ID] > 0 {
			continue
		}
		n := len(nonEmpty(c.Examples)) + len(nonEmpty(c.Keywords))
		if n < MinExamples {
			errs = append(errs, fmt.Errorf("categories[%d].examples: heed's corpus has no messages of category %q, and %d examples and keywords are too few to learn it from: give at least %d (examples: messages as owners write them)",
				i, c.ID, n, MinExamples))
		}
	}
	return errors.Join(errs...)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

type trainDoc struct {
	hashes               []uint64
	cat, intent          int // -1 when not a training example of that model
	emerg, hazard, urgnt int
	weight               float32
	company              bool // the company's own words: every feature counts
}

// trainModels trains every model from the corpus, the categories'
// keywords and examples, and the corrections.
func trainModels(cats []config.Category, corrections []Correction) (*models, error) {
	docs, err := corpusDocs()
	if err != nil {
		return nil, err
	}
	if err := checkCategories(cats, docs); err != nil {
		return nil, err
	}
	return trainOn(cats, docs, corrections), nil
}

// trainOn trains the models on docs (the corpus or a part of it).
func trainOn(cats []config.Category, docs []corpusDoc, corrections []Correction) *models {
	catIndex := map[string]int{}
	for i, c := range cats {
		if _, dup := catIndex[c.ID]; !dup {
			catIndex[c.ID] = i
		}
	}
	var td []trainDoc
	for _, d := range docs {
		l := d.line
		t := trainDoc{hashes: d.hashes, cat: -1, intent: slices.Index(Intents, l.Intent), emerg: 0, hazard: -1, urgnt: 0, weight: 1}
		if i, ok := catIndex[l.Category]; ok && l.Category != "" {
			t.cat = i
		}
		if l.Urgency == UrgencyEmergency {
			t.emerg, t.hazard = emergencyClassYes, slices.Index(Hazards, l.Hazard)
		}
		if l.Urgency != UrgencyNormal {
			t.urgnt = 1
		}
		if l.Intent != IntentComplaint {
			t.urgnt = -1
		}
		td = append(td, t)
	}
	company := func(text string, cat int, w float32, asMessage bool) {
		h := featuresOf(text)
		if len(h) == 0 {
			return
		}
		t := trainDoc{hashes: h, cat: cat, intent: -1, emerg: -1, hazard: -1, urgnt: -1, weight: w, company: true}
		if asMessage {
			t.intent = slices.Index(Intents, IntentComplaint)
		}
		td = append(td, t)
	}
	for i, c := range cats {
		for _, k := range nonEmpty(c.Keywords) {
			company(k, i, keywordW, false)
		}
		company(c.Name, i, keywordW, false)
		for _, e := range nonEmpty(c.Examples) {
			company(e, i, exampleWeight, true)
		}
	}
	for _, c := range corrections {
		i, ok := catIndex[c.Category]
		if !ok {
			continue // a category the company dropped
		}
		w := float32(ownerCorrection)
		if c.Staff {
			w = staffCorrection
		}
		company(c.Text, i, w, true)
	}

	m := &models{voc: vocab{index: map[uint64]int32{}}}
	counts := map[uint64]int32{}
	for _, t := range td {
		for _, h := range t.hashes {
			if t.company {
				counts[h] += minFeatureCount
			} else {
				counts[h]++
			}
		}
	}
	// The common features first, then those seen once: the category
	// model reads them all, the others the common ones.
	for _, t := range td {
		for _, h := range t.hashes {
			if counts[h] >= minFeatureCount {
				m.voc.id(h, true)
			}
		}
	}
	m.voc.common = int32(len(m.voc.index))
	for _, t := range td {
		for _, h := range t.hashes {
			m.voc.id(h, true)
		}
	}
	nf, common := len(m.voc.index), int(m.voc.common)
	all := make([]vector, len(td))
	xs := make([]vector, len(td))
	df := make([]float64, nf)
	for i, t := range td {
		all[i] = m.voc.vector(t.hashes, false)
		xs[i] = m.voc.commonOf(all[i])
		for _, f := range all[i].ids {
			df[f]++
		}
	}
	pickFrom := func(vs []vector, label func(trainDoc) int) []sample {
		var ex []sample
		for i, t := range td {
			if l := label(t); l >= 0 {
				ex = append(ex, sample{x: vs[i], label: l, weight: t.weight})
			}
		}
		return ex
	}
	pick := func(label func(trainDoc) int) []sample { return pickFrom(xs, label) }
	em := pick(func(t trainDoc) int { return t.emerg })
	for i := range em {
		if em[i].label == emergencyClassYes {
			em[i].weight *= emergencyWeight
		}
	}
	// The models learn side by side; each alone is deterministic.
	var wg sync.WaitGroup
	cs := balance(pickFrom(all, func(t trainDoc) int { return t.cat }), len(cats), maxBalance)
	wg.Go(func() { m.cat = trainCategory(cs, max(1, len(cats)), nf, idfWeights(df, len(td)), categoryTraining) })
	for _, job := range []struct {
		dst     **linear
		samples []sample
		k       int
		o       trainOptions
	}{
		{&m.intent, balance(pick(func(t trainDoc) int { return t.intent }), len(Intents), intentBalance), len(Intents), intentTraining},
		{&m.emerg, em, 2, emergencyTraining},
		{&m.hazard, pick(func(t trainDoc) int { return t.hazard }), len(Hazards), defaultTraining},
		{&m.urgent, pick(func(t trainDoc) int { return t.urgnt }), 2, defaultTraining},
	} {
		wg.Go(func() { *job.dst = train(job.samples, job.k, common, job.o) })
	}
	wg.Wait()
	return m
}

// balance weighs the classes alike: a category a company taught with a
// dozen examples is not drowned by one the corpus has hundreds of lines
// of, and a question is not taken for a complaint because complaints are
// most of the corpus. Within a class the weights keep their proportions.
// maxBalance caps how much balance raises a small class; intentBalance is
// lower: a rare intent raised tenfold took "the guard was rude" for praise
// of the guard.
var maxBalance, intentBalance = 10.0, 2.0

func balance(samples []sample, k int, most float64) []sample {
	total := make([]float64, k)
	for _, e := range samples {
		total[e.label] += float64(e.weight)
	}
	classes, sum := 0, 0.0
	for _, t := range total {
		if t > 0 {
			classes++
			sum += t
		}
	}
	for i := range samples {
		// At most tenfold: a larger step would throw stochastic gradient
		// descent about.
		samples[i].weight *= float32(min(most, sum/float64(classes)/total[samples[i].label]))
	}
	return samples
}

// size is the models' memory in bytes: weights, biases, feature scales
// and the vocabulary (a map entry is about 16 bytes of key and value plus
// its share of buckets, counted as 24).
func (m *models) size() int {
	n := len(m.voc.index)*24 + m.cat.size()
	for _, l := range []*linear{m.intent, m.emerg, m.hazard, m.urgent} {
		n += 4 * (len(l.w) + len(l.b) + len(l.scale))
	}
	return n
}
