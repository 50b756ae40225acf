package cases_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
)

// Every signal is kept on the case; by default only lawsuit and media
// make it major (PROCEDURE.md "Escalation"), the others are warnings;
// rules.major_signals changes which. The lawsuit and media flags and the
// signals say the same.
func TestSignalsOnTheCase(t *testing.T) {
	ctx := context.Background()
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	unit := 0
	create := func(svc *cases.Service, mut func(*cases.NewCase)) *cases.Case {
		t.Helper()
		n := leak()
		unit++
		n.Unit = strings.Repeat("1", unit) + "栋" // no repeat complaints
		mut(&n)
		c := newCase(t, svc, n)
		got, err := svc.Get(ctx, c.Serial) // as stored
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, tc := range []struct {
		name    string
		mut     func(*cases.NewCase)
		signals []string
		major   bool
		reason  string
	}{
		{"none", func(n *cases.NewCase) {}, []string{}, false, ""},
		{"lawsuit", func(n *cases.NewCase) { n.Signals = []string{"lawsuit"} }, []string{"lawsuit"}, true, "lawsuit or lawyer"},
		{"media flag", func(n *cases.NewCase) { n.Media = true }, []string{"media"}, true, "media exposure"},
		{"hotline", func(n *cases.NewCase) { n.Signals = []string{"hotline"} }, []string{"hotline"}, false, ""},
		{"petition", func(n *cases.NewCase) { n.Signals = []string{"petition"} }, []string{"petition"}, false, ""},
		{"collective words", func(n *cases.NewCase) { n.Signals = []string{"collective"} }, []string{"collective"}, false, ""},
		{"all, in heed's order, once", func(n *cases.NewCase) {
			n.Signals, n.Lawsuit = []string{"collective", "hotline", "media", "hotline", "petition"}, true
		}, []string{"lawsuit", "media", "hotline", "petition", "collective"}, true, "lawsuit or lawyer; media exposure"},
	} {
		c := create(svc, tc.mut)
		if !slices.Equal([]string(c.Signals), tc.signals) || c.Major != tc.major || c.MajorReason != tc.reason {
			t.Errorf("%s: signals %v major %v (%q), want %v %v (%q)", tc.name, c.Signals, c.Major, c.MajorReason, tc.signals, tc.major, tc.reason)
		}
		if c.Lawsuit != slices.Contains(c.Signals, "lawsuit") || c.Media != slices.Contains(c.Signals, "media") {
			t.Errorf("%s: lawsuit %v media %v, signals %v", tc.name, c.Lawsuit, c.Media, c.Signals)
		}
	}

	_, err := svc.Create(ctx, owner, func() cases.NewCase { n := leak(); n.Signals = []string{"media", "riot"}; return n }())
	if e := (*cases.Error)(nil); !errors.As(err, &e) || e.Code != cases.CodeInvalid || e.Field != "signals[1]" {
		t.Fatalf("an unknown signal: %v", err)
	}

	// A company that treats the authorities like the press.
	cfg := casestest.Config(t)
	cfg.Rules.Dispatch, cfg.Rules.MajorSignals = "manual", []string{config.SignalHotline, config.SignalPetition}
	strict, _ := casestest.ServiceWith(t, casestest.NewClock(wednesday), cfg)
	if c := create(strict, func(n *cases.NewCase) { n.Signals = []string{"petition", "hotline"} }); !c.Major ||
		c.MajorReason != "government hotline; petition to the authorities" {
		t.Errorf("hotline and petition under rules.major_signals: major %v %q", c.Major, c.MajorReason)
	}
	if c := create(strict, func(n *cases.NewCase) { n.Lawsuit = true }); c.Major || !slices.Equal([]string(c.Signals), []string{"lawsuit"}) {
		t.Errorf("a lawsuit the company does not count as major: major %v (%q), signals %v", c.Major, c.MajorReason, c.Signals)
	}
}
