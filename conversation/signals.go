package conversation

import (
	"slices"

	"github.com/heedhq/heed/cases"
)

// majorSignals sets on a new case every signal of a major complaint the
// owner's words hold — a lawsuit, the media, a government hotline, a
// petition, many households — read with care for negation and
// hypotheticals (understand). The cases service decides which make it
// major (rules.major_signals); team chat shows the others as warnings.
func (t *turn) majorSignals(n *cases.NewCase) {
	for _, s := range t.e.und().Analyze(n.Content).MajorSignals {
		if !slices.Contains(n.Signals, s) {
			n.Signals = append(n.Signals, s)
		}
	}
}
