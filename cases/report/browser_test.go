package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heedhq/heed/bots/web/webtest"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/conversation"
)

// TestTrendRendersInChromium: a quarter's report opens in a browser with
// the weekly trend drawn as one line per category, the legend naming them.
// With HEED_SCREENSHOTS set it leaves report-trend.png there (docs/).
func TestTrendRendersInChromium(t *testing.T) {
	db := casestest.DB(t)
	cfg := casestest.Config(t)
	seedTrend(t, db)
	p, _ := ParsePeriod("2026-Q1", shanghai)
	a, err := Analyze(context.Background(), db, conversation.ReportFacts{}, cfg, p, ZhCN)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHTML(a, &buf); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	browser := webtest.Browser(t)
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, webtest.Desktop(), chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS("svg"))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const svg = document.querySelectorAll('svg.chart')[1]; // after the Pareto chart
		if (!svg) return 'no trend chart';
		svg.previousElementSibling.scrollIntoView(); // the heading
		const r = svg.getBoundingClientRect();
		if (r.width < 500 || r.height < 200) return 'too small ' + r.width + 'x' + r.height;
		return Array.from(svg.querySelectorAll('text')).map(t => t.textContent).join('|');
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"投诉趋势（按周）", "工程维修", "噪音", "收费", "环境卫生", "停车", "其他性质", "01-05", "03-30"} {
		if !strings.Contains(got, want) {
			t.Errorf("the trend chart lacks %q: %.300s", want, got)
		}
	}
	// The table under the chart: a row per line and the totals.
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.trend tr').length`))
	if err != nil || rows != len(a.Trend.Series)+2 {
		t.Errorf("trend table has %d rows, want %d: %v", rows, len(a.Trend.Series)+2, err)
	}
	webtest.Screenshot(t, ctx, "report-trend")
}
