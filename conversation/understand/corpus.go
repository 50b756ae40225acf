package understand

import (
	"embed"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"slices"
	"strings"
	"sync"
)

// The corpus heed learns from: messages written for this project, one per
// line (corpus/GUIDE.md and the labelling rules). The train split is what
// New learns from; the dev split, written apart by other writers, is only
// ever read by DevCorpus to measure heed (heed classify --eval, the
// benchmarks) and never trained on.
//
//go:embed corpus/train/*.tsv
var trainFS embed.FS

//go:embed corpus/dev/*.tsv
var devFS embed.FS

// Corpus labels: the default categories, urgencies, hazards and intents.
var (
	CorpusCategories = []string{"repair", "house_quality", "cleaning", "security", "parking", "fees", "attitude", "noise", "facilities", "other"}
	Hazards          = []string{"fire", "gas", "trapped", "flood", "intrusion", "injury", "medical_power"}
	Intents          = []string{IntentComplaint, IntentInquiry, IntentSuggestion, IntentPraise, IntentGreeting, IntentThanks, IntentOther}
)

// Intents: what the owner wants from the message.
const (
	IntentComplaint  = "complaint"
	IntentInquiry    = "inquiry"
	IntentSuggestion = "suggestion"
	IntentPraise     = "praise"
	IntentGreeting   = "greeting"
	IntentThanks     = "thanks"
	IntentOther      = "other"
)

// Line is one labelled message of the corpus.
type Line struct {
	File     string // e.g. "train/repair.tsv"
	Number   int    // line number in File, from 1
	Category string // a category id, "" when the message is no complaint ("-")
	Urgency  string // normal, urgent or emergency
	Hazard   string // for an emergency: fire, gas, trapped, flood, intrusion, injury, medical_power
	Intent   string
	Source   string // who or what wrote it
	Text     string
}

// Where reports the line as file:line, for messages.
func (l Line) Where() string { return fmt.Sprintf("%s:%d", l.File, l.Number) }

// ParseCorpus reads one corpus file: five tab-separated columns
// (category, urgency, intent, source, text), "#" comment lines and blank
// lines ignored. Every problem names its file:line; all are reported.
func ParseCorpus(name, data string) ([]Line, error) {
	var out []Line
	var problems []string
	bad := func(n int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: %s", name, n, fmt.Sprintf(format, args...)))
	}
	for n, f := range tsvLines(data) {
		if len(f) != 5 {
			bad(n, "%d columns, want 5 (category, urgency, intent, source, text) separated by tabs", len(f))
			continue
		}
		l := Line{File: name, Number: n, Category: strings.TrimSpace(f[0]), Intent: strings.TrimSpace(f[2]),
			Source: strings.TrimSpace(f[3]), Text: strings.TrimSpace(f[4])}
		urg := strings.TrimSpace(f[1])
		switch {
		case urg == UrgencyNormal || urg == UrgencyUrgent:
			l.Urgency = urg
		case strings.HasPrefix(urg, "emergency:") && slices.Contains(Hazards, urg[len("emergency:"):]):
			l.Urgency, l.Hazard = UrgencyEmergency, urg[len("emergency:"):]
		default:
			bad(n, "urgency %q: want normal, urgent or emergency:<%s>", urg, strings.Join(Hazards, "|"))
			continue
		}
		if !slices.Contains(Intents, l.Intent) {
			bad(n, "intent %q: want one of %s", l.Intent, strings.Join(Intents, ", "))
			continue
		}
		switch {
		case l.Category == "-" && l.Intent == IntentComplaint:
			bad(n, "a complaint needs a category, not -")
			continue
		case l.Category == "-":
			l.Category = ""
		case !slices.Contains(CorpusCategories, l.Category):
			bad(n, "category %q: want one of %s or -", l.Category, strings.Join(CorpusCategories, ", "))
			continue
		case l.Intent != IntentComplaint:
			bad(n, "intent %s with category %s: non-complaints have category -", l.Intent, l.Category)
			continue
		}
		if l.Source == "" {
			bad(n, "no source: say who or what wrote the line")
			continue
		}
		if l.Text == "" {
			bad(n, "no text")
			continue
		}
		out = append(out, l)
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("corpus:\n%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

func readCorpus(fsys fs.FS, dir string) ([]Line, error) {
	names, err := fs.Glob(fsys, "corpus/"+dir+"/*.tsv")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var all []Line
	var errs []string
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		lines, err := ParseCorpus(path.Join(dir, path.Base(name)), string(data))
		if err != nil {
			errs = append(errs, strings.TrimPrefix(err.Error(), "corpus:\n"))
		}
		all = append(all, lines...)
	}
	if len(errs) > 0 {
		return all, fmt.Errorf("corpus:\n%s", strings.Join(errs, "\n"))
	}
	return all, nil
}

var trainCorpus = sync.OnceValues(func() ([]Line, error) { return readCorpus(trainFS, "train") })

// TrainCorpus is the embedded training split New learns from.
func TrainCorpus() ([]Line, error) {
	l, err := trainCorpus()
	return slices.Clone(l), err
}

// DevCorpus is the embedded dev split: for measuring heed only (heed
// classify --eval, the benchmarks), never for training.
func DevCorpus() ([]Line, error) { return readCorpus(devFS, "dev") }

// tsvLines yields the line number (from 1) and the tab-separated fields of
// each line of data that is neither blank nor a "#" comment.
func tsvLines(data string) iter.Seq2[int, []string] {
	return func(yield func(int, []string) bool) {
		n := 0
		for raw := range strings.Lines(data) {
			n++
			s := strings.TrimRight(raw, "\r\n")
			if strings.TrimSpace(s) == "" || strings.HasPrefix(strings.TrimSpace(s), "#") {
				continue
			}
			if !yield(n, strings.Split(s, "\t")) {
				return
			}
		}
	}
}
