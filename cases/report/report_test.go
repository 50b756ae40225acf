package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"

	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// The data set of 2026-Q1: 88 cases, counts known by construction.
var q1 = []struct {
	cat string
	n   int
}{{"repair", 37}, {"noise", 21}, {"fees", 12}, {"cleaning", 8}, {"parking", 5}, {"attitude", 3}, {"other", 2}}

var channels = []string{"web", "telegram", "phone", "wechat"}

type stepTally struct{ inTime, late, missed, pending int }

// fixture is what the generator inserted, tallied independently of SQL.
type fixture struct {
	byStatus, byChannel, byDepartment, byCommunity map[string]int
	steps                                          map[string]*stepTally
	revisited, eligible, eligibleRevisited, scored int
	sumT, sumS, sumA                               int
}

type row struct {
	serial, status, channel, category, community, department, validity string
	received                                                           time.Time
	major, repeat                                                      bool
	complainants                                                       int
	scoreT, scoreS, scoreA                                             *int
	closed                                                             *time.Time
}

func insertCase(t *testing.T, db *sqlx.DB, r row) int64 {
	t.Helper()
	if r.status == "" {
		r.status = "received"
	}
	if r.channel == "" {
		r.channel = "web"
	}
	if r.validity == "" {
		r.validity = "pending"
	}
	if r.complainants == 0 {
		r.complainants = 1
	}
	var id int64
	err := db.Get(&id, `INSERT INTO cases (serial, status, channel, customer_name, contact_phone, community, unit,
		content, category, received_at, recorded_by, validity, department, major, repeat, complainants,
		verify_timeliness, verify_satisfaction, verify_attitude, closed_at, created_at, updated_at)
		VALUES ($1,$2,$3,$4,'13800138000',$5,'3-1-502',$6,$7,$8,'test',$9,$10,$11,$12,$13,$14,$15,$16,$17,$8,$8)
		RETURNING id`,
		r.serial, r.status, r.channel, "业主"+r.serial[len(r.serial)-3:], r.community,
		"楼上漏水很严重，天花板在滴水，"+r.serial, r.category, r.received, r.validity, r.department,
		r.major, r.repeat, r.complainants, r.scoreT, r.scoreS, r.scoreA, r.closed)
	if err != nil {
		t.Fatalf("insert %s: %v", r.serial, err)
	}
	return id
}

func ptr[T any](v T) *T { return &v }

func deadline(t *testing.T, db *sqlx.DB, id int64, step string, due time.Time, met, missed, superseded *time.Time) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO case_deadlines (case_id, step, due_at, met_at, missed_at, superseded_at, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$3)`, id, step, due, met, missed, superseded); err != nil {
		t.Fatal(err)
	}
}

func revisit(t *testing.T, db *sqlx.DB, serial string, seq int, sent time.Time, answered *time.Time) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO revisits (serial, seq, selected, sent_at, answered_at, created_at)
		VALUES ($1,$2,true,$3,$4,$3)`, serial, seq, sent, answered); err != nil {
		t.Fatal(err)
	}
}

func seed(t *testing.T, db *sqlx.DB, cfg *config.Config) *fixture {
	t.Helper()
	fx := &fixture{byStatus: map[string]int{}, byChannel: map[string]int{}, byDepartment: map[string]int{},
		byCommunity: map[string]int{}, steps: map[string]*stepTally{}}
	for _, s := range Steps {
		fx.steps[s] = &stepTally{}
	}
	start := time.Date(2026, 1, 1, 0, 30, 0, 0, shanghai) // 2025-12-31 16:30 UTC: in Q1 only in the company's zone
	g := 0
	for _, spec := range q1 {
		cat, _ := cfg.Category(spec.cat)
		for i := 0; i < spec.n; i++ {
			recv := start.Add(time.Duration(g) * 23 * time.Hour)
			r := row{serial: fmt.Sprintf("TS-2026-%06d", g+1), category: spec.cat, received: recv,
				channel: channels[g%4], department: cat.Department, community: "xinghewan",
				major: g%15 == 0, repeat: g%20 == 1}
			if i%2 == 1 {
				r.community = "cuihuyuan"
			}
			if g%25 == 2 {
				r.complainants = 3
			}
			switch g % 10 {
			case 9:
				r.validity, r.status = "invalid", "invalid"
			case 8:
				r.validity, r.status = "pending", "received"
			default:
				r.validity = "valid"
				r.status = []string{"closed", "verified", "replied", "investigating"}[g%4]
			}
			eligible := r.validity == "valid" && (r.status == "closed" || r.status == "verified")
			scored := eligible && g%8 != 0
			if scored {
				r.scoreT, r.scoreS, r.scoreA = ptr(3+g%3), ptr(4+g%2), ptr(5)
				fx.sumT += 3 + g%3
				fx.sumS += 4 + g%2
				fx.sumA += 5
				fx.scored++
			}
			if r.status == "closed" {
				r.closed = ptr(recv.Add(100 * time.Hour))
			}
			id := insertCase(t, db, r)
			fx.byStatus[r.status]++
			fx.byChannel[r.channel]++
			fx.byDepartment[r.department]++
			fx.byCommunity[r.community]++

			// Revisits.
			switch {
			case scored:
				revisit(t, db, r.serial, g, recv.Add(90*time.Hour), ptr(recv.Add(95*time.Hour)))
				fx.revisited++
				fx.eligibleRevisited++
			case eligible: // sent, never answered
				revisit(t, db, r.serial, g, recv.Add(90*time.Hour), nil)
			case r.validity == "valid" && g%10 == 2 && r.status == "replied": // answered, no scores yet
				revisit(t, db, r.serial, g, recv.Add(90*time.Hour), ptr(recv.Add(91*time.Hour)))
				fx.revisited++
			}
			if eligible {
				fx.eligible++
			}

			if r.validity != "valid" {
				g++
				continue
			}
			// Deadlines, each step built to be met, late, missed or pending.
			h := func(n int) time.Time { return recv.Add(time.Duration(n) * time.Hour) }
			if g%7 == 0 { // late; the sweep had recorded the miss first
				deadline(t, db, id, "receipt", h(24), ptr(h(30)), ptr(h(24).Add(time.Minute)), nil)
				fx.steps["receipt"].late++
			} else {
				deadline(t, db, id, "receipt", h(24), ptr(h(1)), nil, nil)
				fx.steps["receipt"].inTime++
			}
			if g%11 == 0 { // superseded by a re-dispatch, never due: not counted
				deadline(t, db, id, "dispatch", h(5), nil, nil, ptr(h(1)))
			}
			if g%6 == 0 {
				deadline(t, db, id, "dispatch", h(5), nil, ptr(h(5).Add(time.Minute)), nil)
				fx.steps["dispatch"].missed++
			} else {
				deadline(t, db, id, "dispatch", h(5), ptr(h(2)), nil, nil)
				fx.steps["dispatch"].inTime++
			}
			if g%5 == 0 { // open and overdue, not yet swept
				deadline(t, db, id, "investigate", h(13), nil, nil, nil)
				fx.steps["investigate"].missed++
			} else {
				deadline(t, db, id, "investigate", h(13), ptr(h(10)), nil, nil)
				fx.steps["investigate"].inTime++
			}
			if g%4 == 3 { // still investigating, due far ahead
				deadline(t, db, id, "measures", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), nil, nil, nil)
				fx.steps["measures"].pending++
			} else {
				deadline(t, db, id, "measures", h(72), ptr(h(50)), nil, nil)
				fx.steps["measures"].inTime++
			}
			if g%3 == 0 {
				deadline(t, db, id, "reply", h(72), ptr(h(80)), nil, nil)
				fx.steps["reply"].late++
			} else {
				deadline(t, db, id, "reply", h(72), ptr(h(60)), nil, nil)
				fx.steps["reply"].inTime++
			}
			deadline(t, db, id, "major", h(24*30), nil, nil, nil) // not a reported step
			g++
		}
	}
	// The previous quarter (2025-Q4): repair 30, noise 25, security 4 + 1 at its last minute.
	prev := time.Date(2025, 10, 1, 8, 0, 0, 0, shanghai)
	k := 0
	for _, spec := range []struct {
		cat string
		n   int
	}{{"repair", 30}, {"noise", 25}, {"security", 4}} {
		for i := 0; i < spec.n; i++ {
			insertCase(t, db, row{serial: fmt.Sprintf("TS-2025-%06d", k+1), category: spec.cat,
				received: prev.Add(time.Duration(k) * 30 * time.Hour), community: "xinghewan"})
			k++
		}
	}
	insertCase(t, db, row{serial: "TS-2025-009999", category: "security", community: "cuihuyuan",
		received: time.Date(2025, 12, 31, 23, 50, 0, 0, shanghai)})
	// After the quarter in Shanghai, though still 2026-03-31 in UTC.
	insertCase(t, db, row{serial: "TS-2026-009999", category: "other", community: "xinghewan",
		received: time.Date(2026, 4, 1, 0, 10, 0, 0, shanghai)})
	return fx
}

func setup(t *testing.T) (*sqlx.DB, *config.Config, *fixture, Period) {
	t.Helper()
	db := casestest.DB(t)
	cfg := casestest.Config(t)
	fx := seed(t, db, cfg)
	p, err := ParsePeriod("2026-Q1", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return db, cfg, fx, p
}

func countMap(cs []Count) map[string]int {
	m := map[string]int{}
	for _, c := range cs {
		m[c.Key] = c.Count
	}
	return m
}

func sameCounts(t *testing.T, what string, got []Count, want map[string]int) {
	t.Helper()
	g := countMap(got)
	if len(g) != len(want) {
		t.Errorf("%s: got %v, want %v", what, g, want)
	}
	for k, v := range want {
		if g[k] != v {
			t.Errorf("%s[%s] = %d, want %d", what, k, g[k], v)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i].Count > got[i-1].Count {
			t.Errorf("%s not sorted descending: %v", what, got)
		}
	}
}

func TestAnalyzeFigures(t *testing.T) {
	db, cfg, fx, p := setup(t)
	a, err := Analyze(context.Background(), db, conversation.ReportFacts{}, cfg, p, ZhCN)
	if err != nil {
		t.Fatal(err)
	}
	// Through JSON, as the API and the HTML get it.
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var got Analysis
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"by_category"`) || !strings.Contains(string(b), `"cumulative_percent"`) {
		t.Errorf("JSON lacks its tags: %s", b)
	}
	if got.Total != 88 || got.Label != "2026-Q1" {
		t.Errorf("total %d label %q, want 88 2026-Q1", got.Total, got.Label)
	}
	sameCounts(t, "by_category", got.ByCategory, map[string]int{"repair": 37, "noise": 21, "fees": 12,
		"cleaning": 8, "parking": 5, "attitude": 3, "other": 2})
	names := map[string]string{}
	for _, c := range got.ByCategory {
		names[c.Key] = c.Name
	}
	if names["repair"] != "工程维修" || names["noise"] != "噪音" || names["fees"] != "收费" {
		t.Errorf("category names %v", names)
	}
	sameCounts(t, "by_department", got.ByDepartment, fx.byDepartment)
	sameCounts(t, "by_community", got.ByCommunity, map[string]int{"xinghewan": 46, "cuihuyuan": 42})
	sameCounts(t, "by_community (generator)", got.ByCommunity, fx.byCommunity)
	sameCounts(t, "by_channel", got.ByChannel, map[string]int{"web": 22, "telegram": 22, "phone": 22, "wechat": 22})
	sameCounts(t, "by_status", got.ByStatus, fx.byStatus)
	if got.Validity != (Validity{Valid: 72, Invalid: 8, Pending: 8}) {
		t.Errorf("validity %+v, want 72/8/8", got.Validity)
	}
	if got.Major != 6 || got.Repeat != 5 || got.Collective != 4 {
		t.Errorf("major %d repeat %d collective %d, want 6 5 4", got.Major, got.Repeat, got.Collective)
	}

	// A quarter's trend is weekly: the five most frequent categories, then
	// attitude (3) and other (2) summed.
	var lines []string
	for _, s := range got.Trend.Series {
		lines = append(lines, fmt.Sprintf("%s:%d", s.Category, s.Total))
	}
	if got.Trend.Unit != "week" || len(got.Trend.Buckets) != 14 ||
		strings.Join(lines, " ") != "repair:37 noise:21 fees:12 cleaning:8 parking:5 _rest:5" {
		t.Errorf("trend %s, %d buckets, lines %v", got.Trend.Unit, len(got.Trend.Buckets), lines)
	}
	if rest := got.Trend.Series[5]; rest.Name != "其他性质" {
		t.Errorf("the rest line is named %q", rest.Name)
	}

	// Deadlines.
	if len(got.Deadlines) != len(Steps) {
		t.Fatalf("deadlines %+v", got.Deadlines)
	}
	for i, d := range got.Deadlines {
		w := fx.steps[Steps[i]]
		if d.Step != Steps[i] || d.InTime != w.inTime || d.Late != w.late || d.Missed != w.missed || d.Pending != w.pending ||
			d.Due != w.inTime+w.late+w.missed {
			t.Errorf("step %s: got %+v, want %+v", Steps[i], d, *w)
		}
		if want := math.Round(float64(w.inTime)*10000/float64(w.inTime+w.late+w.missed)) / 100; d.Percent == nil || *d.Percent != want {
			t.Errorf("step %s compliance %v, want %v", d.Step, d.Percent, want)
		}
	}
	ack := got.Deadlines[0]
	if ack.Due != 72 || ack.InTime != 61 || ack.Late != 11 || ack.Missed != 0 || *ack.Percent != 84.72 {
		t.Errorf("acknowledge %+v, want due 72, 61 in time, 11 late, 84.72 %%", ack)
	}

	// Revisits.
	rv := got.Revisit
	if rv.Revisited != fx.revisited || rv.Eligible != fx.eligible || rv.EligibleRevisited != fx.eligibleRevisited || rv.Scored != fx.scored {
		t.Errorf("revisit %+v, want revisited %d eligible %d/%d scored %d", rv, fx.revisited, fx.eligibleRevisited, fx.eligible, fx.scored)
	}
	r2 := func(sum, n int) float64 { return math.Round(float64(sum)*100/float64(n)) / 100 }
	if rv.Rate == nil || *rv.Rate != r2(fx.eligibleRevisited*100, fx.eligible) {
		t.Errorf("revisit rate %v, want %v", rv.Rate, r2(fx.eligibleRevisited*100, fx.eligible))
	}
	if rv.Timeliness == nil || *rv.Timeliness != r2(fx.sumT, fx.scored) || *rv.Satisfaction != r2(fx.sumS, fx.scored) || *rv.Attitude != 5 {
		t.Errorf("averages %v %v %v, want %v %v 5", rv.Timeliness, rv.Satisfaction, rv.Attitude, r2(fx.sumT, fx.scored), r2(fx.sumS, fx.scored))
	}
	if fx.eligible == 0 || fx.revisited == fx.eligibleRevisited {
		t.Fatalf("weak fixture: %+v", fx)
	}

	// Recurring problems.
	wantRec := []string{"repair/xinghewan 19", "repair/cuihuyuan 18", "noise/xinghewan 11", "noise/cuihuyuan 10",
		"fees/cuihuyuan 6", "fees/xinghewan 6", "cleaning/cuihuyuan 4", "cleaning/xinghewan 4", "parking/xinghewan 3"}
	var gotRec []string
	for _, r := range got.Recurring {
		gotRec = append(gotRec, fmt.Sprintf("%s/%s %d", r.Category, r.Community, r.Count))
		if len(r.Serials) != r.Count {
			t.Errorf("recurring %s/%s lists %d serials for %d cases", r.Category, r.Community, len(r.Serials), r.Count)
		}
	}
	if strings.Join(gotRec, ", ") != strings.Join(wantRec, ", ") {
		t.Errorf("recurring\n got %v\nwant %v", gotRec, wantRec)
	}
	if got.Recurring[8].CategoryName != "停车" || got.Recurring[8].CommunityName != "星河湾" {
		t.Errorf("recurring names %+v", got.Recurring[8])
	}

	// Previous quarter.
	pr := got.Previous
	if pr.Label != "2025-Q4" || pr.Total != 60 || pr.TotalDelta != 28 {
		t.Errorf("previous %s total %d delta %d, want 2025-Q4 60 +28", pr.Label, pr.Total, pr.TotalDelta)
	}
	var deltas []string
	for _, d := range pr.ByCategory {
		deltas = append(deltas, fmt.Sprintf("%s %d-%d=%d", d.Category, d.Current, d.Previous, d.Delta))
	}
	wantDeltas := "repair 37-30=7, cleaning 8-0=8, security 0-5=-5, parking 5-0=5, fees 12-0=12, attitude 3-0=3, noise 21-25=-4, other 2-0=2"
	if strings.Join(deltas, ", ") != wantDeltas {
		t.Errorf("deltas\n got %s\nwant %s", strings.Join(deltas, ", "), wantDeltas)
	}
}

func TestPareto(t *testing.T) {
	db, cfg, _, p := setup(t)
	a, err := Analyze(context.Background(), db, conversation.ReportFacts{}, cfg, p, ZhCN)
	if err != nil {
		t.Fatal(err)
	}
	want := []ParetoRow{
		{"repair", "工程维修", 37, 42.05, 37, 42.05, true},
		{"noise", "噪音", 21, 23.86, 58, 65.91, true},
		{"fees", "收费", 12, 13.64, 70, 79.55, true},
		{"cleaning", "环境卫生", 8, 9.09, 78, 88.64, true}, // crosses 80 %
		{"parking", "停车", 5, 5.68, 83, 94.32, false},
		{"attitude", "服务态度", 3, 3.41, 86, 97.73, false},
		{"other", "其他", 2, 2.27, 88, 100, false},
	}
	if len(a.Pareto) != len(want) {
		t.Fatalf("pareto %+v", a.Pareto)
	}
	for i := range want {
		if a.Pareto[i] != want[i] {
			t.Errorf("pareto[%d] = %+v, want %+v", i, a.Pareto[i], want[i])
		}
	}
	if strings.Join(a.VitalFew, ",") != "repair,noise,fees,cleaning" {
		t.Errorf("vital few %v", a.VitalFew)
	}
}

func TestParetoTies(t *testing.T) {
	rows, vital := pareto([]Count{{Key: "b", Count: 5}, {Key: "a", Count: 5}, {Key: "c", Count: 10}}, 20)
	if rows[0].Category != "c" || rows[1].Category != "a" || rows[2].Category != "b" || rows[1].CumulativePercent != 75 {
		t.Errorf("pareto %+v", rows)
	}
	if strings.Join(vital, ",") != "c,a,b" {
		t.Errorf("vital %v", vital)
	}
	if rows, vital := pareto(nil, 0); len(rows) != 0 || len(vital) != 0 {
		t.Errorf("empty pareto %v %v", rows, vital)
	}
}

// registerXLSX writes the register of p as XLSX and opens it.
func registerXLSX(t *testing.T, db *sqlx.DB, cfg *config.Config, p Period) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(context.Background(), db, cfg, p, ZhCN, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWriteXLSX(t *testing.T) {
	db, cfg, _, p := setup(t)
	f := registerXLSX(t, db, cfg, p)
	rows, err := f.GetRows(RegisterSheet(ZhCN))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 89 {
		t.Fatalf("%d rows, want header + 88", len(rows))
	}
	if strings.Join(rows[0], "|") != strings.Join(RegisterHeader(ZhCN), "|") {
		t.Errorf("header %v", rows[0])
	}
	if rows[1][0] != "TS-2026-000001" || rows[1][9] != "工程维修" || !strings.Contains(rows[1][7], "天花板在滴水") {
		t.Errorf("first row %v", rows[1])
	}
	if v, _ := f.GetCellValue(RegisterSheet(ZhCN), "B2"); v != "2026-01-01 00:30" {
		t.Errorf("B2 shows %q, want 2026-01-01 00:30 (Shanghai)", v)
	}
	if raw, _ := f.GetCellValue(RegisterSheet(ZhCN), "B2", excelize.Options{RawCellValue: true}); raw != "46023.020833333336" && !strings.HasPrefix(raw, "46023.0208") {
		t.Errorf("B2 raw %q, want a date serial", raw)
	}
	if typ, _ := f.GetCellType(RegisterSheet(ZhCN), "Q2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("complainants cell type %v", typ)
	}
	panes, err := f.GetPanes(RegisterSheet(ZhCN))
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v %v, want header frozen", panes, err)
	}
	if w, _ := f.GetColWidth(RegisterSheet(ZhCN), "H"); w != 40 {
		t.Errorf("content column width %v", w)
	}
}

func TestWriteCSV(t *testing.T) {
	db, cfg, _, p := setup(t)
	var buf bytes.Buffer
	if err := WriteCSV(context.Background(), db, cfg, p, ZhCN, &buf); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no BOM: % x", b[:8])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 89 || strings.Join(recs[0], "|") != strings.Join(RegisterHeader(ZhCN), "|") {
		t.Fatalf("%d records, header %v", len(recs), recs[0])
	}
	first := recs[1]
	if first[0] != "TS-2026-000001" || first[1] != "2026-01-01 00:30" || first[7] != "楼上漏水很严重，天花板在滴水，TS-2026-000001" ||
		first[9] != "工程维修" || first[5] != "星河湾" || first[11] != "有效" || first[12] != "工程部" {
		t.Errorf("first row %q", first)
	}
	if recs[1][3] != "业主001" {
		t.Errorf("customer %q", recs[1][3])
	}
}

func TestWriteHTML(t *testing.T) {
	db, cfg, _, p := setup(t)
	a, err := Analyze(context.Background(), db, conversation.ReportFacts{}, cfg, p, ZhCN)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHTML(a, &buf); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, want := range []string{"<svg", "</svg>", "工程维修", "噪音", "收费", "环境卫生", "@page", "A4", "84.72%", "星河湾"} {
		if !strings.Contains(s, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(s, "http://") || strings.Contains(s, "https://") {
		t.Errorf("HTML refers to the network")
	}
	if strings.Contains(s, "<script") || strings.Contains(s, "<?xml") {
		t.Errorf("HTML has a script or an XML prolog")
	}
	// The chart's labels are the category names, drawn by gonum/plot.
	svg := s[strings.Index(s, "<svg"):strings.Index(s, "</svg>")]
	if !strings.Contains(svg, "工程维修") || !strings.Contains(svg, "80%") {
		t.Errorf("chart lacks its labels")
	}
	if strings.Count(s, "<svg") != 2 || !strings.Contains(s, "投诉趋势（按周）") || !strings.Contains(s, "<th class=\"n\">02-02</th>") {
		t.Errorf("want the Pareto chart and the weekly trend curve with its table")
	}
	// An empty period still renders.
	empty, err := Analyze(context.Background(), db, conversation.ReportFacts{}, cfg, Period{From: time.Date(2020, 1, 1, 0, 0, 0, 0, shanghai), To: time.Date(2020, 2, 1, 0, 0, 0, 0, shanghai)}, ZhCN)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteHTML(empty, &buf); err != nil || !strings.Contains(buf.String(), "本期无投诉") {
		t.Errorf("empty report: %v", err)
	}
}

func TestParsePeriod(t *testing.T) {
	d := func(y, m, dd int) time.Time { return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, shanghai) }
	for _, c := range []struct {
		in       string
		from, to time.Time
		label    string
	}{
		{"2026", d(2026, 1, 1), d(2027, 1, 1), "2026"},
		{"2026-Q3", d(2026, 7, 1), d(2026, 10, 1), "2026-Q3"},
		{"2026-q1", d(2026, 1, 1), d(2026, 4, 1), "2026-Q1"},
		{"2026-H2", d(2026, 7, 1), d(2027, 1, 1), "2026-H2"},
		{"2026-11", d(2026, 11, 1), d(2026, 12, 1), "2026-11"},
		{"2026-01-01..2026-03-31", d(2026, 1, 1), d(2026, 4, 1), "2026-Q1"},
		{"2026-01-05..2026-01-11", d(2026, 1, 5), d(2026, 1, 12), "2026-01-05..2026-01-11"},
	} {
		p, err := ParsePeriod(c.in, shanghai)
		if err != nil || !p.From.Equal(c.from) || !p.To.Equal(c.to) || p.String() != c.label {
			t.Errorf("ParsePeriod(%q) = %v..%v %q %v, want %v..%v %q", c.in, p.From, p.To, p.String(), err, c.from, c.to, c.label)
		}
	}
	for _, bad := range []string{"", "26", "2026-Q5", "2026-13", "2026-00", "2026-03-31..2026-01-01", "2026-1-1..x", "abcd"} {
		if _, err := ParsePeriod(bad, shanghai); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
	q := Quarter(time.Date(2026, 5, 31, 17, 0, 0, 0, time.UTC), shanghai) // 2026-06-01 01:00 in Shanghai
	if !q.From.Equal(d(2026, 4, 1)) || !q.To.Equal(d(2026, 7, 1)) {
		t.Errorf("Quarter = %v..%v", q.From, q.To)
	}
	q = Quarter(time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC), shanghai) // 2026-04-01 00:30 in Shanghai
	if q.String() != "2026-Q2" {
		t.Errorf("Quarter across midnight = %s", q)
	}
	if prev := q.Previous(); prev.String() != "2026-Q1" {
		t.Errorf("previous of Q2 = %s", prev)
	}
	wk, _ := ParsePeriod("2026-01-05..2026-01-11", shanghai)
	if prev := wk.Previous(); !prev.From.Equal(d(2025, 12, 29)) || !prev.To.Equal(d(2026, 1, 5)) {
		t.Errorf("previous week %v..%v", prev.From, prev.To)
	}
}

func TestResponsibilityAndCAPA(t *testing.T) {
	db, cfg, _, p := setup(t)
	// Three valid cases of the period found to be quality defects, one with a CAPA report.
	if _, err := db.Exec(`UPDATE cases SET responsibility = 'quality_defect' WHERE id IN (
		SELECT id FROM cases WHERE received_at >= $1 AND received_at < $2 AND validity = 'valid' ORDER BY id LIMIT 3)`, p.From, p.To); err != nil {
		t.Fatal(err)
	}
	var serial string
	db.Get(&serial, `SELECT serial FROM cases WHERE responsibility = 'quality_defect' ORDER BY id LIMIT 1`)
	db.Exec(`UPDATE cases SET capa_report = 'CAPA-2026-001' WHERE serial = $1`, serial)
	a, err := Analyze(context.Background(), db, conversation.ReportFacts{}, cfg, p, ZhCN)
	if err != nil {
		t.Fatal(err)
	}
	got := countMap(a.Responsibility)
	if got["quality_defect"] != 3 || got[""] != a.Validity.Valid+a.Validity.Pending-3 {
		t.Fatalf("responsibility %v (valid %d, pending %d)", got, a.Validity.Valid, a.Validity.Pending)
	}
	if len(a.CAPA) != 1 || a.CAPA[0].Report != "CAPA-2026-001" || a.CAPA[0].Serial != serial {
		t.Fatalf("capa %+v", a.CAPA)
	}
	var html strings.Builder
	if err := WriteHTML(a, &html); err != nil || !strings.Contains(html.String(), "CAPA-2026-001") || !strings.Contains(html.String(), "质量缺陷") {
		t.Fatalf("html lacks the findings: %v", err)
	}
}
