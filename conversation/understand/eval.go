package understand

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// EvalItem is one labelled message to measure heed on.
type EvalItem struct {
	Where    string // file:line
	Category string // a category id, "" when unknown or no complaint
	// Urgency: "normal", "urgent", "emergency", or "" when unknown. In a
	// three-column file "1" is urgent (urgent or emergency) and "0" normal.
	Urgency string
	Intent  string // "" when unknown
	Text    string
}

// ReadEval reads a file to measure heed on: three tab-separated columns
// (category id or name, urgent 0/1 or -, text) or the corpus's five
// (category, urgency, intent, source, text); "#" comments. cats maps
// names to ids.
func ReadEval(name, data string, cats []Alternative) ([]EvalItem, error) {
	var out []EvalItem
	var problems []string
	for n, f := range tsvLines(data) {
		var it EvalItem
		it.Where = fmt.Sprintf("%s:%d", name, n)
		switch len(f) {
		case 5:
			ls, err := ParseCorpus(name, strings.Repeat("\n", n-1)+strings.Join(f, "\t"))
			if err != nil {
				problems = append(problems, strings.TrimPrefix(err.Error(), "corpus:\n"))
				continue
			}
			l := ls[0]
			it.Category, it.Urgency, it.Intent, it.Text = l.Category, l.Urgency, l.Intent, l.Text
		case 3:
			it.Text = strings.TrimSpace(f[2])
			c := strings.TrimSpace(f[0])
			if c != "-" && c != "" {
				i := slices.IndexFunc(cats, func(a Alternative) bool { return a.Category == c || a.Name == c })
				if i < 0 {
					problems = append(problems, fmt.Sprintf("%s: category %q is neither an id nor a name of the configured categories", it.Where, c))
					continue
				}
				it.Category = cats[i].Category
			}
			switch strings.TrimSpace(f[1]) {
			case "1":
				it.Urgency = UrgencyUrgent
			case "0":
				it.Urgency = UrgencyNormal
			case "-", "":
			default:
				problems = append(problems, fmt.Sprintf("%s: urgent %q: want 0, 1 or -", it.Where, f[1]))
				continue
			}
		default:
			problems = append(problems, fmt.Sprintf("%s: %d columns: want 3 (category, urgent 0/1 or -, text) or the corpus's 5", it.Where, len(f)))
			continue
		}
		if it.Text == "" {
			problems = append(problems, it.Where+": no text")
			continue
		}
		out = append(out, it)
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

// EvalReport is how heed did on a set of labelled messages.
type EvalReport struct {
	Categories []string // ids, in configuration order
	Total      int      // messages with a category
	Correct    int
	// Asked: heed was unsure and asked the owner with Choices; Reached:
	// the owner ends with the right category without retyping it — heed
	// was sure and right, or asked and the right one was among the choices.
	Asked, AskedRight, Reached int
	Confusion                  map[[2]string]int // [want, got] → count
	// Urgency (urgent here is urgent or emergency; a confirmation question
	// counts as emergency only in EmergencyCaught and FalseEmergency).
	UrgentTotal, UrgentFound   int // urgent messages, and those heed found urgent
	NormalTotal, NormalUrgent  int // normal messages, and those heed made urgent
	EmergencyTotal             int // emergencies (corpus format only)
	EmergencyRule              int // found by the rules
	EmergencyCaught            int // by the rules or asked (confirmation question)
	NonEmergency               int // non-emergencies (corpus format only)
	FalseEmergency             int // of those, an emergency or a confirmation question
	IntentTotal, IntentCorrect int
	Misses                     []string // wrong categories and missed emergencies, for reading
}

// Evaluate runs heed on the items.
func (u *Understander) Evaluate(items []EvalItem) *EvalReport {
	r := &EvalReport{Confusion: map[[2]string]int{}}
	for _, c := range u.categories {
		r.Categories = append(r.Categories, c.ID)
	}
	for _, it := range items {
		a := u.Analyze(it.Text)
		if it.Category != "" {
			r.Total++
			r.Confusion[[2]string{it.Category, a.Category}]++
			right := a.Category == it.Category
			if a.Unsure {
				r.Asked++
				if slices.Contains(a.Choices(), it.Category) {
					r.AskedRight++
					r.Reached++
				}
			} else if right {
				r.Reached++
			}
			if right {
				r.Correct++
			} else {
				r.Misses = append(r.Misses, fmt.Sprintf("%s: %s → %s %.2f: %s", it.Where, it.Category, a.Category, a.Confidence, it.Text))
			}
		}
		if it.Intent != "" {
			r.IntentTotal++
			if a.Intent == it.Intent {
				r.IntentCorrect++
			}
		}
		urgent := a.Urgency != UrgencyNormal
		switch it.Urgency {
		case UrgencyUrgent, UrgencyEmergency:
			r.UrgentTotal++
			if urgent {
				r.UrgentFound++
			}
		case UrgencyNormal:
			r.NormalTotal++
			if urgent {
				r.NormalUrgent++
			}
		}
		if it.Intent == "" {
			continue // the three-column format does not tell emergencies apart
		}
		if it.Urgency == UrgencyEmergency {
			r.EmergencyTotal++
			if a.Emergency {
				r.EmergencyRule++
			}
			if a.Emergency || a.EmergencyCheck {
				r.EmergencyCaught++
			} else {
				r.Misses = append(r.Misses, fmt.Sprintf("%s: missed emergency: %s", it.Where, it.Text))
			}
		} else if it.Urgency != "" {
			r.NonEmergency++
			if a.Emergency || a.EmergencyCheck {
				r.FalseEmergency++
				r.Misses = append(r.Misses, fmt.Sprintf("%s: false emergency (%v): %s", it.Where, a.Decided, it.Text))
			}
		}
	}
	return r
}

func pct(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f %%", 100*float64(n)/float64(d))
}

// Accuracy is the share of categories right.
func (r *EvalReport) Accuracy() float64 { return ratio(r.Correct, r.Total) }

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// Write prints the report: accuracy, per-category precision and recall,
// the confusion matrix, urgency and emergency figures.
func (r *EvalReport) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "category accuracy: %s (%d of %d)\n", pct(r.Correct, r.Total), r.Correct, r.Total)
	fmt.Fprintf(w, "asked the owner (unsure): %s (%d; the right category among the choices %d)\n", pct(r.Asked, r.Total), r.Asked, r.AskedRight)
	fmt.Fprintf(w, "right category reached (sure and right, or asked with it among the choices): %s (%d of %d)\n", pct(r.Reached, r.Total), r.Reached, r.Total)
	if r.IntentTotal > 0 {
		fmt.Fprintf(w, "intent accuracy: %s (%d of %d)\n", pct(r.IntentCorrect, r.IntentTotal), r.IntentCorrect, r.IntentTotal)
	}
	fmt.Fprintf(w, "urgent recall (urgent or emergency found urgent or emergency): %s (%d of %d)\n", pct(r.UrgentFound, r.UrgentTotal), r.UrgentFound, r.UrgentTotal)
	fmt.Fprintf(w, "false urgent (normal made urgent or emergency): %s (%d of %d)\n", pct(r.NormalUrgent, r.NormalTotal), r.NormalUrgent, r.NormalTotal)
	if r.EmergencyTotal+r.NonEmergency > 0 {
		fmt.Fprintf(w, "emergency recall (rules, or a confirmation question): %s (%d of %d; rules alone %d)\n",
			pct(r.EmergencyCaught, r.EmergencyTotal), r.EmergencyCaught, r.EmergencyTotal, r.EmergencyRule)
		fmt.Fprintf(w, "false emergency (incl. confirmation questions): %s (%d of %d)\n", pct(r.FalseEmergency, r.NonEmergency), r.FalseEmergency, r.NonEmergency)
	}
	fmt.Fprintln(w, "\nper category:")
	fmt.Fprintln(tw, "category\tmessages\tprecision\trecall\t")
	for _, c := range r.Categories {
		tp, fp, fn := 0, 0, 0
		for k, n := range r.Confusion {
			switch {
			case k[0] == c && k[1] == c:
				tp += n
			case k[1] == c:
				fp += n
			case k[0] == c:
				fn += n
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t\n", c, tp+fn, pct(tp, tp+fp), pct(tp, tp+fn))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nconfusion (rows: labelled, columns: heed):")
	fmt.Fprint(tw, "\t")
	for i := range r.Categories {
		fmt.Fprintf(tw, "%d\t", i+1)
	}
	fmt.Fprintln(tw)
	for i, c := range r.Categories {
		fmt.Fprintf(tw, "%d %s\t", i+1, c)
		for _, g := range r.Categories {
			fmt.Fprintf(tw, "%d\t", r.Confusion[[2]string{c, g}])
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// CategoryChoices are the configured categories as id and name, for
// ReadEval.
func (u *Understander) CategoryChoices() []Alternative {
	var out []Alternative
	for _, c := range u.categories {
		out = append(out, Alternative{Category: c.ID, Name: c.Name})
	}
	return out
}

// EvalItems turns corpus lines into items to measure heed on.
func EvalItems(lines []Line) []EvalItem {
	out := make([]EvalItem, len(lines))
	for i, l := range lines {
		out[i] = EvalItem{Where: l.Where(), Category: l.Category, Urgency: l.Urgency, Intent: l.Intent, Text: l.Text}
	}
	return out
}
