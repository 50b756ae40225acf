package cases_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

// Each new case and each transition is logged once committed, with what an
// operator needs to follow a case and nothing private.
func TestNewCasesAndTransitionsAreLogged(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	var buf bytes.Buffer
	svc.SetLogger(slog.New(slog.NewTextHandler(&buf, nil)))
	ctx := context.Background()
	spec := cases.Actor{Kind: cases.ActorStaff, ID: "cs.zhoumin"}
	c, err := svc.Create(ctx, cases.Actor{Kind: cases.ActorStaff, ID: "front.xu"}, cases.NewCase{Channel: cases.ChannelPhone,
		CustomerName: "王女士", ContactPhone: "13812345678", Content: "楼上漏水，天花板在滴水", Category: "repair", Urgency: cases.UrgencyUrgent})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Apply(ctx, spec, c.Serial, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}); err != nil {
		t.Fatal(err)
	}
	// A transaction that rolls back logs nothing.
	boom := errors.New("rolled back")
	err = svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := svc.ApplyTx(ctx, tx, now, cases.Actor{Kind: cases.ActorStaff, ID: "eng.li"}, c.Serial,
			cases.Transition{Action: cases.ActAcknowledge}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`msg="case registered" serial=` + c.Serial + ` channel=phone category=repair urgency=urgent`,
		`msg="case transition" serial=` + c.Serial + ` action=dispatch from=received to=dispatched actor=cs.zhoumin`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, private := range []string{"13812345678", "王女士", "漏水", "action=acknowledge"} {
		if strings.Contains(out, private) {
			t.Errorf("log has %q:\n%s", private, out)
		}
	}
}
