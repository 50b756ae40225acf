package understand

import (
	"fmt"
	"os"
	"testing"

	"github.com/heedhq/heed/config"
)

// Tools for tuning on the dev split (never trained on): HEED_DEV=1 prints
// the dev report, HEED_DEV=v the misses too. The environment variables
// KW, MB, NP, IB, BR, CP, CL, CR, CS (category seed), IDFP, NBW, NBT, NBA,
// EW, EP, EL, ER, ENB, ECA override hyper-parameters for a sweep.
func devSetup(t *testing.T) (*Understander, []Line) {
	t.Helper()
	if os.Getenv("HEED_DEV") == "" {
		t.Skip("set HEED_DEV=1 to measure on the dev split")
	}
	fmt.Sscan(os.Getenv("KW"), &keywordW)
	fmt.Sscan(os.Getenv("MB"), &maxBalance)
	fmt.Sscan(os.Getenv("NP"), &normPower)
	fmt.Sscan(os.Getenv("IB"), &intentBalance)
	fmt.Sscan(os.Getenv("BR"), &categoryTraining.biasRate)
	fmt.Sscan(os.Getenv("CP"), &categoryTraining.epochs)
	fmt.Sscan(os.Getenv("CL"), &categoryTraining.l2)
	fmt.Sscan(os.Getenv("CR"), &categoryTraining.rate)
	fmt.Sscan(os.Getenv("CS"), &categoryTraining.seed)
	fmt.Sscan(os.Getenv("IDFP"), &idfPower)
	fmt.Sscan(os.Getenv("NBW"), &nbWeight)
	fmt.Sscan(os.Getenv("NBT"), &nbTemperature)
	fmt.Sscan(os.Getenv("NBA"), &nbAlpha)
	fmt.Sscan(os.Getenv("EW"), &emergencyWeight)
	fmt.Sscan(os.Getenv("EP"), &emergencyTraining.epochs)
	fmt.Sscan(os.Getenv("EL"), &emergencyTraining.l2)
	fmt.Sscan(os.Getenv("ER"), &emergencyTraining.rate)
	fmt.Sscan(os.Getenv("ENB"), &emergencyTraining.nb)
	fmt.Sscan(os.Getenv("ECA"), &emergencyCheckAt)
	t.Logf("emergency %+v weight %v; category %+v", emergencyTraining, emergencyWeight, categoryTraining)
	cfg, err := config.Load("../../examples/heed.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := DevCorpus()
	if err != nil {
		t.Fatal(err)
	}
	return u, lines
}

func TestDevReport(t *testing.T) {
	u, lines := devSetup(t)
	r := u.Evaluate(EvalItems(lines))
	r.Write(os.Stdout)
	if os.Getenv("HEED_DEV") == "v" {
		for _, m := range r.Misses {
			t.Log(m)
		}
	}
}

func TestDevSweep(t *testing.T) {
	u, lines := devSetup(t)
	for _, th := range []float64{0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.08, 0.1, 0.2} {
		caught, tot, fp, neg := 0, 0, 0, 0
		for _, l := range lines {
			a := u.Analyze(l.Text)
			pe := u.m.emerg.predict(u.m.voc.commonOf(u.m.voc.vector(featuresOf(l.Text), false)))[1]
			hit := a.Emergency || pe >= th
			if l.Urgency == UrgencyEmergency {
				tot++
				if hit {
					caught++
				}
			} else {
				neg++
				if hit {
					fp++
				}
			}
		}
		t.Logf("th %.2f recall %d/%d %.3f false %d/%d %.3f", th, caught, tot, float64(caught)/float64(tot), fp, neg, float64(fp)/float64(neg))
	}
}
