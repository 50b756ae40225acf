package cases_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

// registerWorld is five cases of different kinds, received an hour apart
// from Wednesday morning, and one walked to its department.
type registerWorld struct {
	svc   *cases.Service
	clock *casestest.Clock
	// serials by name: leak, noise, fees, major, walkin
	s map[string]string
}

func newRegisterWorld(t *testing.T) *registerWorld {
	t.Helper()
	clock := casestest.NewClock(wednesday)
	svc, _ := casestest.Service(t, clock)
	w := &registerWorld{svc: svc, clock: clock, s: map[string]string{}}
	add := func(name string, n cases.NewCase) {
		w.s[name] = newCase(t, svc, n).Serial
		clock.Advance(time.Hour)
	}
	add("leak", leak())
	noise := leak()
	noise.Category, noise.Content, noise.CustomerName, noise.ContactPhone = "noise", "楼上每晚装修电钻噪音", "李先生", "13900001111"
	noise.Community, noise.Unit, noise.OwnerRef = "cuihuyuan", "1栋", "telegram:77"
	add("noise", noise)
	fees := leak()
	fees.Category, fees.Content, fees.CustomerName, fees.ContactPhone = "fees", "Overcharged property fee, wrong invoice 50%_off", "Mr <b>Smith</b>", "+85291234567"
	fees.Channel, fees.OwnerRef, fees.Urgency = cases.ChannelWeChat, "wechat:o1", cases.UrgencyUrgent
	add("fees", fees)
	major := leak()
	major.Content, major.Lawsuit, major.Complainants, major.OwnerRef = "电梯困人，要起诉物业", true, 12, "telegram:99"
	major.CustomerName, major.ContactPhone = "赵女士", "13700005678"
	add("major", major)
	walkin := leak()
	walkin.Channel, walkin.OwnerRef, walkin.Content, walkin.CustomerName, walkin.ContactPhone = cases.ChannelWalkIn, "", "门口垃圾没人清理", "孙阿姨", ""
	walkin.Category = "cleaning"
	w.s["walkin"] = func() string {
		c, err := svc.Create(context.Background(), front, walkin)
		if err != nil {
			t.Fatal(err)
		}
		return c.Serial
	}()
	// At 15:00 the leak goes to 工程部 and is acknowledged by its handler.
	clock.Advance(time.Hour)
	apply(t, svc, spec, w.s["leak"], cases.Transition{Action: cases.ActDispatch, Department: "engineering"})
	apply(t, svc, mgr, w.s["leak"], cases.Transition{Action: cases.ActAcknowledge, Handler: "eng.zhang"})
	return w
}

func (w *registerWorld) serials(t *testing.T, f cases.RegisterFilter) []string {
	t.Helper()
	p, err := w.svc.ListRegister(context.Background(), f, 0, 50, 1000)
	if err != nil {
		t.Fatalf("%+v: %v", f, err)
	}
	var out []string
	for _, c := range p.Cases {
		out = append(out, c.Serial)
	}
	if p.Total != len(out) || p.Capped {
		t.Errorf("%+v: total %d (capped %v) for %d cases", f, p.Total, p.Capped, len(out))
	}
	return out
}

func TestRegisterFilters(t *testing.T) {
	w := newRegisterWorld(t)
	s := w.s
	// Received 10:00 to 14:00, an hour apart; the clock stands at 15:00.
	newest := []string{s["walkin"], s["major"], s["fees"], s["noise"], s["leak"]}
	from := wednesday.Add(90 * time.Minute)
	to := wednesday.Add(3*time.Hour + 30*time.Minute)
	for _, tc := range []struct {
		name string
		f    cases.RegisterFilter
		want []string
	}{
		{"everything, newest first", cases.RegisterFilter{}, newest},
		{"oldest first", cases.RegisterFilter{Sort: cases.SortReceivedAsc}, []string{s["leak"], s["noise"], s["fees"], s["major"], s["walkin"]}},
		{"latest change first", cases.RegisterFilter{Sort: cases.SortUpdatedDesc}, []string{s["leak"], s["walkin"], s["major"], s["fees"], s["noise"]}},
		{"status", cases.RegisterFilter{Statuses: []cases.Status{cases.StatusAcknowledged}}, []string{s["leak"]}},
		{"two statuses", cases.RegisterFilter{Statuses: []cases.Status{cases.StatusAcknowledged, cases.StatusReceived}}, newest},
		{"step: waiting for dispatch", cases.RegisterFilter{Step: cases.StepDispatch}, newest[:4]},
		{"step: measures", cases.RegisterFilter{Step: cases.StepMeasures}, []string{s["leak"]}},
		{"department", cases.RegisterFilter{Department: "engineering"}, []string{s["leak"]}},
		{"community", cases.RegisterFilter{Community: "cuihuyuan"}, []string{s["noise"]}},
		{"category", cases.RegisterFilter{Category: "fees"}, []string{s["fees"]}},
		{"channel", cases.RegisterFilter{Channel: cases.ChannelWalkIn}, []string{s["walkin"]}},
		{"urgency", cases.RegisterFilter{Urgency: cases.UrgencyUrgent}, []string{s["fees"]}},
		{"major", cases.RegisterFilter{Major: true}, []string{s["major"]}},
		{"collective", cases.RegisterFilter{Collective: true}, []string{s["major"]}},
		{"repeat: none", cases.RegisterFilter{Repeat: true}, nil},
		{"handler", cases.RegisterFilter{Handler: "eng.zhang"}, []string{s["leak"]}},
		{"period", cases.RegisterFilter{From: &from, To: &to}, []string{s["major"], s["fees"]}},
		{"search serial", cases.RegisterFilter{Search: strings.ToLower(s["fees"])}, []string{s["fees"]}},
		{"search serial's end", cases.RegisterFilter{Search: s["noise"][3:]}, []string{s["noise"]}},
		{"search phone's last digits", cases.RegisterFilter{Search: "5678"}, []string{s["major"], s["leak"]}},
		{"search phone's last digits, spaced", cases.RegisterFilter{Search: "0000 5678"}, []string{s["major"]}},
		{"search a phone written with dashes", cases.RegisterFilter{Search: "138-1234-5678"}, []string{s["leak"]}},
		{"search an international phone", cases.RegisterFilter{Search: "91234567"}, []string{s["fees"]}},
		{"search owner name", cases.RegisterFilter{Search: "李先生"}, []string{s["noise"]}},
		{"search name with markup", cases.RegisterFilter{Search: "<b>smith"}, []string{s["fees"]}},
		{"search content words, any order", cases.RegisterFilter{Search: "invoice overcharged"}, []string{s["fees"]}},
		{"search a word of Chinese", cases.RegisterFilter{Search: "漏水"}, []string{s["leak"]}},
		{"search LIKE characters literally", cases.RegisterFilter{Search: "50%_off"}, []string{s["fees"]}},
		{"search % as itself", cases.RegisterFilter{Search: "%%%"}, nil},
		{"filters together", cases.RegisterFilter{Statuses: []cases.Status{cases.StatusReceived}, Community: "xinghewan", Search: "5678"}, []string{s["major"]}},
	} {
		if got := w.serials(t, tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	// Overdue at 15:00: the urgent fees (received 12:00, dispatch and
	// reply due in 2 h); at 17:00 also the noise (11:00, dispatch in 5 h).
	if got := w.serials(t, cases.RegisterFilter{Overdue: true}); !slices.Equal(got, []string{s["fees"]}) {
		t.Errorf("overdue at 15:00: %v, want the urgent fees", got)
	}
	w.clock.Set(wednesday.Add(7 * time.Hour))
	if got := w.serials(t, cases.RegisterFilter{Overdue: true}); !slices.Equal(got, []string{s["fees"], s["noise"]}) {
		t.Errorf("overdue at 17:00: %v, want the fees and the noise", got)
	}
	if got := w.serials(t, cases.RegisterFilter{Overdue: true, Step: cases.StepReply}); !slices.Equal(got, []string{s["fees"]}) {
		t.Errorf("reply overdue at 17:00: %v, want the urgent fees", got)
	}
	if got := w.serials(t, cases.RegisterFilter{Overdue: true, Step: cases.StepMeasures}); len(got) != 0 {
		t.Errorf("measures overdue at 17:00: %v, want none", got)
	}

	for _, bad := range []cases.RegisterFilter{
		{Statuses: []cases.Status{"gone"}}, {Step: "lunch"}, {Department: "nope"}, {Community: "nope"},
		{Category: "nope"}, {Handler: "nobody"}, {Urgency: "soon"}, {Sort: "random"}, {From: &to, To: &from},
	} {
		_, err := w.svc.ListRegister(context.Background(), bad, 0, 50, 1000)
		var e *cases.Error
		if !errors.As(err, &e) || e.Code != cases.CodeInvalid {
			t.Errorf("%+v: %v, want invalid", bad, err)
		}
	}
}

func TestRegisterPagesCountAndDeadlines(t *testing.T) {
	w := newRegisterWorld(t)
	p, err := w.svc.ListRegister(context.Background(), cases.RegisterFilter{}, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Cases) != 2 || p.Cases[0].Serial != w.s["major"] || p.Total != 3 || !p.Capped {
		t.Errorf("second and third of five, counted up to 3: %d cases from %s, total %d capped %v", len(p.Cases), p.Cases[0].Serial, p.Total, p.Capped)
	}
	leak := w.serialsPage(t, w.s["leak"])
	var steps []string
	for _, d := range leak.Deadlines {
		if d.MetAt != nil || d.SupersededAt != nil || d.Step == cases.StepMajor {
			t.Errorf("the page shows a deadline no longer to meet: %+v", d)
		}
		steps = append(steps, string(d.Step))
	}
	// Acknowledged: the department's measures and the reply are still to come.
	if !slices.Contains(steps, "measures") || !slices.Contains(steps, "reply") || slices.Contains(steps, "dispatch") {
		t.Errorf("the leak's open deadlines: %v", steps)
	}

	var exported []string
	err = w.svc.EachRegisterCase(context.Background(), cases.RegisterFilter{Sort: cases.SortSerialAsc}, 5, func(c *cases.Case) error {
		exported = append(exported, c.Serial)
		return nil
	})
	if err != nil || len(exported) != 5 || !slices.IsSorted(exported) {
		t.Errorf("export of five in serial order: %v, %v", exported, err)
	}
	err = w.svc.EachRegisterCase(context.Background(), cases.RegisterFilter{}, 4, func(*cases.Case) error {
		t.Error("a case was read of an export over its bound")
		return nil
	})
	var e *cases.Error
	if !errors.As(err, &e) || e.Code != cases.CodeInvalid {
		t.Errorf("five cases exported with a bound of four: %v", err)
	}
}

func (w *registerWorld) serialsPage(t *testing.T, serial string) cases.Case {
	t.Helper()
	p, err := w.svc.ListRegister(context.Background(), cases.RegisterFilter{Search: serial}, 0, 1, 1)
	if err != nil || len(p.Cases) != 1 {
		t.Fatalf("case %s: %v", serial, err)
	}
	return p.Cases[0]
}

func TestDeadlineBoard(t *testing.T) {
	w := newRegisterWorld(t)
	// 15:30: of the four waiting for dispatch, the urgent fees' (14:00)
	// is overdue, the noise's (16:00) due within 2 h, the major's (18:00)
	// and the walk-in's (19:00) later today; the fees' urgent reply (14:00)
	// is overdue. The leak's deadlines fall on other days.
	now := wednesday.Add(5*time.Hour + 30*time.Minute)
	board, err := w.svc.DeadlineBoard(context.Background(), now, 10)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]cases.BoardGroup{}
	var order []string
	for _, g := range board {
		k := g.Department + "/" + string(g.Step)
		byKey[k] = g
		order = append(order, k)
	}
	if !slices.Equal(order, []string{"/dispatch", "/reply"}) {
		t.Fatalf("groups at 15:30: %v, want the desk's dispatch, then its reply", order)
	}
	desk := byKey["/dispatch"]
	var items []string
	for _, it := range desk.Items {
		items = append(items, it.Serial)
	}
	if desk.Overdue != 1 || desk.Soon != 1 || desk.Today != 2 || !slices.Equal(items, []string{w.s["fees"], w.s["noise"], w.s["major"], w.s["walkin"]}) {
		t.Errorf("the desk's dispatch deadlines at 15:30: %d overdue, %d soon, %d today, %v", desk.Overdue, desk.Soon, desk.Today, items)
	}
	if r := byKey["/reply"]; r.Overdue != 1 || len(r.Items) != 1 || r.Items[0].Serial != w.s["fees"] {
		t.Errorf("replies at 15:30: %+v", r)
	}
	// Later: everything still open is overdue, earliest first.
	board, err = w.svc.DeadlineBoard(context.Background(), wednesday.Add(30*time.Hour), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range board {
		if g.Overdue == 0 || len(g.Items) > 2 || g.Soon+g.Today != 0 {
			t.Errorf("the next day, group %s/%s: %+v", g.Department, g.Step, g)
		}
		for i := 1; i < len(g.Items); i++ {
			if g.Items[i].Due.Before(g.Items[i-1].Due) {
				t.Errorf("group %s/%s not earliest first", g.Department, g.Step)
			}
		}
	}
}
