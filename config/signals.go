package config

import (
	"fmt"
	"slices"
)

// The signals of a major complaint an owner's own words may hold
// (PROCEDURE.md "Escalation"; conversation/understand finds them, with
// care for negation and hypotheticals).
const (
	SignalLawsuit    = "lawsuit"    // a lawsuit or a lawyer (起诉, 律师)
	SignalMedia      = "media"      // the press or exposure online (媒体, 曝光)
	SignalHotline    = "hotline"    // a government hotline (12345, 市长热线)
	SignalPetition   = "petition"   // a petition to the authorities (信访)
	SignalCollective = "collective" // many households together (联名, 全体业主)
)

// Signals are the signals heed knows, in the order cards and reports
// list them.
var Signals = []string{SignalLawsuit, SignalMedia, SignalHotline, SignalPetition, SignalCollective}

// DefaultMajorSignals are the signals that make a case major when
// rules.major_signals is not set: the procedure's lawsuit and media
// exposure. A government hotline or a petition is the owner saying they
// will go to the authorities: shown on the cards and counted, major only
// where the company says so.
var DefaultMajorSignals = []string{SignalLawsuit, SignalMedia}

// MajorSignal reports whether signal s makes a case major (a
// configuration built without defaults: DefaultMajorSignals).
func (r Rules) MajorSignal(s string) bool {
	if r.MajorSignals == nil {
		return slices.Contains(DefaultMajorSignals, s)
	}
	return slices.Contains(r.MajorSignals, s)
}

func (c *Config) validateSignals(p *problems) {
	for i, s := range c.Rules.MajorSignals {
		if !slices.Contains(Signals, s) {
			p.add(fmt.Sprintf("rules.major_signals[%d]", i), "%q: the signals are lawsuit, media, hotline, petition and collective", s)
		}
	}
}
