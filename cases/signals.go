package cases

import (
	"fmt"
	"slices"
	"strings"

	"github.com/heedhq/heed/config"
)

// The signals of a major complaint on a case (config.Signals): what the
// owner's own words said — a lawsuit, the media, a government hotline, a
// petition, many households — or what the person recording it said. The
// lawsuit and media flags are the same facts as the two signals.

// checkSignals refuses a signal heed does not know and puts the signals in
// heed's order, each once, the lawsuit and media flags among them.
func checkSignals(n *NewCase) error {
	have := slices.Clone(n.Signals)
	if n.Lawsuit {
		have = append(have, config.SignalLawsuit)
	}
	if n.Media {
		have = append(have, config.SignalMedia)
	}
	for i, s := range have {
		if !slices.Contains(config.Signals, s) {
			return invalidField(fmt.Sprintf("signals[%d]", i), "unknown signal %q: use %s", s, strings.Join(config.Signals, ", "))
		}
	}
	n.Signals = []string{}
	for _, s := range config.Signals {
		if slices.Contains(have, s) {
			n.Signals = append(n.Signals, s)
		}
	}
	n.Lawsuit = slices.Contains(n.Signals, config.SignalLawsuit)
	n.Media = slices.Contains(n.Signals, config.SignalMedia)
	return nil
}

// signalReasons are the major reasons the signals give, as the record
// keeps them (team chat shows them in Chinese).
var signalReasons = map[string]string{
	config.SignalLawsuit:    "lawsuit or lawyer",
	config.SignalMedia:      "media exposure",
	config.SignalHotline:    "government hotline",
	config.SignalPetition:   "petition to the authorities",
	config.SignalCollective: "many households together",
}
