package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"

	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/conversation"
)

// trendCategories are the data set's categories, most frequent first: each
// gets base+(week%3) cases a week, so the first five have lines of their
// own and the last three are summed.
var trendCategories = []struct {
	id   string
	base int
}{{"repair", 9}, {"noise", 7}, {"fees", 5}, {"cleaning", 4}, {"parking", 3}, {"attitude", 2}, {"security", 1}, {"other", 0}}

// q1Weeks are the weekly buckets of 2026-Q1 in Shanghai: Thursday 1 January
// to Sunday 4 January, then Monday to Sunday, to Tuesday 31 March.
func q1Weeks() []time.Time {
	starts := []time.Time{time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai)}
	for d := time.Date(2026, 1, 5, 0, 0, 0, 0, shanghai); d.Before(time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai)); d = d.AddDate(0, 0, 7) {
		starts = append(starts, d)
	}
	return append(starts, time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai))
}

// seedTrend seeds 2026-Q1 with known counts per week and category, each
// week's second case at its last minute and the others from its first (in
// Shanghai: a UTC week would put some in the wrong bucket), plus a case a
// minute before and one at the first minute after the quarter. It returns
// the counts [category][week], per category and month, and how many cases
// it put in the quarter.
func seedTrend(t *testing.T, db *sqlx.DB) (want [][]int, monthly map[string]map[string]int, inQuarter int) {
	t.Helper()
	weeks := q1Weeks()
	nweeks := len(weeks) - 1
	want = make([][]int, len(trendCategories))
	monthly = map[string]map[string]int{} // category → month → count
	for c, cat := range trendCategories {
		want[c] = make([]int, nweeks)
		monthly[cat.id] = map[string]int{}
		for w := 0; w < nweeks; w++ {
			n := cat.base + w%3
			from, to := weeks[w], weeks[w+1]
			for i := 0; i < n; i++ {
				at := from.Add(time.Duration(i) * 5 * time.Hour)
				if i == 1 {
					at = to.Add(-time.Minute)
				}
				inQuarter++
				insertCase(t, db, row{serial: fmt.Sprintf("TS-2026-%06d", inQuarter), category: cat.id, received: at, community: "xinghewan"})
				want[c][w]++
				monthly[cat.id][at.In(shanghai).Format("2006-01")]++
			}
		}
	}
	insertCase(t, db, row{serial: "TS-2025-999999", category: "repair", received: time.Date(2025, 12, 31, 23, 59, 0, 0, shanghai), community: "xinghewan"})
	insertCase(t, db, row{serial: "TS-2026-999999", category: "repair", received: time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai), community: "xinghewan"})
	return want, monthly, inQuarter
}

func TestTrendByWeekAndCategory(t *testing.T) {
	db := casestest.DB(t)
	cfg := casestest.Config(t)
	weeks := q1Weeks()
	nweeks := len(weeks) - 1
	want, monthly, serial := seedTrend(t, db)

	q1, _ := ParsePeriod("2026-Q1", shanghai)
	a, err := Analyze(context.Background(), db, conversation.ReportFacts{}, cfg, q1, En)
	if err != nil {
		t.Fatal(err)
	}
	// Through JSON, as the API gives it.
	b, _ := json.Marshal(a)
	var got Analysis
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	tr := got.Trend
	if tr.Unit != "week" || len(tr.Buckets) != nweeks {
		t.Fatalf("trend unit %q with %d buckets, want week and %d", tr.Unit, len(tr.Buckets), nweeks)
	}
	for w, bk := range tr.Buckets {
		if !bk.From.Equal(weeks[w]) || !bk.To.Equal(weeks[w+1]) || bk.Key != weeks[w].Format(time.DateOnly) {
			t.Errorf("bucket %d = %s %v..%v, want %v..%v", w, bk.Key, bk.From, bk.To, weeks[w], weeks[w+1])
		}
		total := 0
		for c := range trendCategories {
			total += want[c][w]
		}
		if bk.Total != total {
			t.Errorf("week %s: %d cases, want %d", bk.Key, bk.Total, total)
		}
	}
	if len(tr.Series) != TrendLines+1 {
		t.Fatalf("%d lines, want %d and the rest", len(tr.Series), TrendLines)
	}
	for c := 0; c < TrendLines; c++ {
		s := tr.Series[c]
		if s.Category != trendCategories[c].id || fmt.Sprint(s.Counts) != fmt.Sprint(want[c]) {
			t.Errorf("line %d: %s %v, want %s %v", c, s.Category, s.Counts, trendCategories[c].id, want[c])
		}
	}
	rest := make([]int, nweeks)
	restTotal := 0
	for c := TrendLines; c < len(trendCategories); c++ {
		for w, n := range want[c] {
			rest[w] += n
			restTotal += n
		}
	}
	if s := tr.Series[TrendLines]; s.Category != TrendRest || s.Name != "Other categories" || fmt.Sprint(s.Counts) != fmt.Sprint(rest) || s.Total != restTotal {
		t.Errorf("rest line %+v, want %v (%d)", s, rest, restTotal)
	}
	sum := 0
	for _, s := range tr.Series {
		sum += s.Total
	}
	if sum != got.Total || got.Total != serial {
		t.Errorf("the lines sum to %d, the period has %d, %d inserted in it", sum, got.Total, serial)
	}
	// The company's category names stay as configured in English too.
	if tr.Series[0].Name != "工程维修" {
		t.Errorf("repair is named %q", tr.Series[0].Name)
	}

	// A half year is counted per month.
	h1, _ := ParsePeriod("2026-H1", shanghai)
	a, err = Analyze(context.Background(), db, conversation.ReportFacts{}, cfg, h1, ZhCN)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, bk := range a.Trend.Buckets {
		keys = append(keys, bk.Key)
	}
	if a.Trend.Unit != "month" || strings.Join(keys, " ") != "2026-01 2026-02 2026-03 2026-04 2026-05 2026-06" {
		t.Fatalf("H1 trend %s %v", a.Trend.Unit, keys)
	}
	for c := 0; c < TrendLines; c++ {
		s := a.Trend.Series[c]
		id := trendCategories[c].id
		for m, key := range keys {
			wantN := monthly[id][key]
			if key == "2026-04" && id == "repair" {
				wantN = 1 // the case at the first minute of April
			}
			if s.Counts[m] != wantN {
				t.Errorf("%s in %s: %d, want %d", id, key, s.Counts[m], wantN)
			}
		}
	}
	if a.Trend.Series[TrendLines].Name != "其他性质" {
		t.Errorf("the rest line in Chinese is %q", a.Trend.Series[TrendLines].Name)
	}

	// The chart draws every line with a legend.
	svg, err := TrendSVG(&got)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Complaints per week", "Other categories", "工程维修", "噪音", "01-05", "03-30"} {
		if !strings.Contains(svg, want) {
			t.Errorf("trend chart lacks %q", want)
		}
	}
}

func TestWeeklyRule(t *testing.T) {
	for _, c := range []struct {
		period string
		weekly bool
	}{
		{"2026-Q1", true}, {"2026-Q3", true}, {"2026-11", true}, {"2026-01-05..2026-01-11", true},
		{"2026-07-01..2026-09-30", true}, {"2026-07-01..2026-10-01", false}, {"2026-H1", false}, {"2026", false},
	} {
		p, err := ParsePeriod(c.period, shanghai)
		if err != nil {
			t.Fatal(err)
		}
		if p.Weekly() != c.weekly {
			t.Errorf("%s weekly = %v, want %v", c.period, p.Weekly(), c.weekly)
		}
	}
	// A single week is one bucket (no curve); a month from a Wednesday
	// starts with a short week.
	p, _ := ParsePeriod("2026-04", shanghai)
	unit, buckets, _ := trendBuckets(p, shanghai)
	if unit != "week" || buckets[0].Key != "2026-04-01" || !buckets[0].To.Equal(time.Date(2026, 4, 6, 0, 0, 0, 0, shanghai)) ||
		!buckets[len(buckets)-1].To.Equal(p.To) || len(buckets) != 5 {
		t.Errorf("April 2026 weeks: %+v", buckets)
	}
}

func TestTextsComplete(t *testing.T) {
	var keys []string
	for k := range zhCN {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, l := range Langs {
		tab := texts[l]
		if len(tab) != len(zhCN) {
			t.Errorf("%s has %d texts, zh-CN %d", l, len(tab), len(zhCN))
		}
		for _, k := range keys {
			if tab[k] == "" {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"": ZhCN, "zh-CN": ZhCN, "zh-cn": ZhCN, "zh_TW": ZhTW, "EN": En, " en ": En} {
		if got, err := ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"fr", "zh", "english", "zh-HK"} {
		_, err := ParseLang(bad)
		if err == nil || !strings.Contains(err.Error(), "zh-CN, zh-TW or en") {
			t.Errorf("ParseLang(%q) = %v, want an error naming the languages", bad, err)
		}
	}
	for in, want := range map[string]Lang{
		"": ZhCN, "en-US,en;q=0.9": En, "zh-TW,zh;q=0.9,en;q=0.8": ZhTW, "fr-FR, en;q=0.5": En,
		"de": ZhCN, "zh-Hant-HK": ZhTW, "en;q=0.3, zh-CN;q=0.7": ZhCN, "zh-HK": ZhTW, "zh": ZhCN, "en;q=0": ZhCN,
	} {
		if got := AcceptLanguage(in); got != want {
			t.Errorf("AcceptLanguage(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestLanguages: the same quarter in the three languages, as a reader of
// each sees it.
func TestLanguages(t *testing.T) {
	db, cfg, _, p := setup(t)
	ctx := context.Background()
	html := map[Lang]string{}
	analyses := map[Lang]*Analysis{}
	for _, l := range Langs {
		a, err := Analyze(ctx, db, conversation.ReportFacts{}, cfg, p, l)
		if err != nil {
			t.Fatal(err)
		}
		analyses[l] = a
		var buf bytes.Buffer
		if err := WriteHTML(a, &buf); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		html[l] = buf.String()
	}
	for l, want := range map[Lang][]string{
		ZhCN: {`<html lang="zh-CN">`, "客户投诉统计分析", "投诉性质排列图", "投诉趋势（按周）", "其他性质", "按时完成", "已闭合", "工程维修", "TS-2026-000001、TS-2026-000003", "统计期间：2026-01-01 至 2026-03-31（2026-Q1，Asia/Shanghai）"},
		ZhTW: {`<html lang="zh-TW">`, "客戶投訴統計分析", "排列圖", "投訴趨勢（按週）", "其他性質", "按時完成", "已結案", "工程维修", "Noto Sans CJK TC"},
		En:   {`<html lang="en">`, "Complaint analysis", "Pareto chart of complaint categories", "Complaints per week", "Other categories", "In time", "Closed", "工程维修", "Week starting", "TS-2026-000001, TS-2026-000003", "Period: 2026-01-01 to 2026-03-31 (2026-Q1, Asia/Shanghai)"},
	} {
		for _, w := range want {
			if !strings.Contains(html[l], w) {
				t.Errorf("%s HTML lacks %q", l, w)
			}
		}
	}
	for _, zh := range []string{"排列图", "概况", "按时完成", "已闭合", "件数"} {
		if strings.Contains(html[En], zh) {
			t.Errorf("the English HTML has %q", zh)
		}
		if strings.Contains(html[ZhTW], zh) {
			t.Errorf("the zh-TW HTML has the Simplified %q", zh)
		}
	}

	// JSON: the same keys and counts, names in the language asked for.
	cn, en := analyses[ZhCN], analyses[En]
	if cn.Lang != ZhCN || en.Lang != En || cn.Total != en.Total {
		t.Errorf("lang %s/%s totals %d/%d", cn.Lang, en.Lang, cn.Total, en.Total)
	}
	channel := func(a *Analysis) map[string]string {
		m := map[string]string{}
		for _, c := range a.ByChannel {
			m[c.Key] = c.Name
		}
		return m
	}
	if c, e := channel(cn), channel(en); c["wechat"] != "微信" || e["wechat"] != "WeChat" || e["phone"] != "Phone" {
		t.Errorf("channel names zh-CN %v en %v", c, e)
	}
	if en.Deadlines[0].Step != "receipt" || en.Deadlines[0].Name != "Receipt" || cn.Deadlines[0].Name != "确认收到" {
		t.Errorf("step names %+v %+v", cn.Deadlines[0], en.Deadlines[0])
	}
	b, _ := json.Marshal(en)
	if !strings.Contains(string(b), `"lang":"en"`) {
		t.Errorf("the JSON does not say its language")
	}

	// The register: headers and heed's names in the language asked for.
	var buf bytes.Buffer
	if err := WriteCSV(ctx, db, cfg, p, En, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "Serial No." || recs[0][1] != "Received at" || len(recs[0]) != len(RegisterHeader(ZhCN)) {
		t.Errorf("en CSV header %q", recs[0])
	}
	if first := recs[1]; first[2] != "Web" || first[11] != "Valid" || first[13] != "Closed" || first[14] != "Yes" || first[9] != "工程维修" {
		t.Errorf("en CSV first row %q", first)
	}
	buf.Reset()
	if err := WriteXLSX(ctx, db, cfg, p, ZhTW, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("投訴登記表")
	if err != nil {
		t.Fatalf("zh-TW sheet: %v (sheets %v)", err, f.GetSheetList())
	}
	if len(rows) != 89 || rows[0][0] != "編號" || rows[0][2] != "投訴管道" || rows[1][13] != "已結案" {
		t.Errorf("zh-TW register: %d rows, header %q, first %q", len(rows), rows[0], rows[1])
	}
	if err := WriteCSV(ctx, db, cfg, p, "fr", &buf); err == nil {
		t.Errorf("French register written")
	}
	if _, err := Analyze(ctx, db, conversation.ReportFacts{}, cfg, p, "fr"); err == nil {
		t.Errorf("French analysis made")
	}
	if a, err := Analyze(ctx, db, conversation.ReportFacts{}, cfg, p, ""); err != nil || a.Lang != ZhCN {
		t.Errorf("analysis in no language: %v %v, want zh-CN", a.Lang, err)
	}
}
