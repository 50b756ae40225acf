package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"regexp"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// WriteHTML writes a as one self-contained HTML page (no scripts, fonts or
// images fetched from anywhere) that prints on A4, with the Pareto chart and
// the trend curve as inline SVG, its headings and labels in a.Lang.
func WriteHTML(a *Analysis, w io.Writer) error {
	chart, err := ParetoSVG(a)
	if err != nil {
		return err
	}
	trend, err := TrendSVG(a)
	if err != nil {
		return err
	}
	lang := a.Lang
	if lang == "" {
		lang = ZhCN
	}
	t, err := page.Clone()
	if err != nil {
		return err
	}
	t.Funcs(template.FuncMap{
		// t is the text of a key in the report's language; a key missing
		// from the table fails the page rather than printing the key.
		"t": func(key string) (string, error) {
			if s, ok := lang.texts()[key]; ok {
				return s, nil
			}
			return "", fmt.Errorf("report: no %s text %q", lang, key)
		},
		"status": lang.Status,
		"resp":   lang.Responsibility,
		"date": func(p Period) string {
			return p.From.Format("2006-01-02") + lang.T("date.to") + p.To.AddDate(0, 0, -1).Format("2006-01-02")
		},
		"bucket": func(b TrendBucket) string { return bucketLabel(a.Trend.Unit, b) },
	})
	var buf bytes.Buffer
	if err := t.Execute(&buf, struct {
		*Analysis
		HTMLLang          Lang
		Chart, TrendChart template.HTML
	}{a, lang, template.HTML(chart), template.HTML(trend)}); err != nil { //nolint:gosec // SVG drawn by gonum/plot, text escaped by it
		return err
	}
	_, err = buf.WriteTo(w)
	return err
}

// bucketLabel is how a trend bucket is written under the chart and in the
// table: a week by its first day (01-05), a month as 2026-01.
func bucketLabel(unit string, b TrendBucket) string {
	if unit == "week" {
		return b.From.Format("01-02")
	}
	return b.Key
}

// paretoTicks marks the count axis with the share of the total.
type paretoTicks struct{ total float64 }

func (t paretoTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	for k := 0; k <= 10; k++ {
		v := t.total * float64(k) / 10
		label := ""
		if k%2 == 0 || k == 8 {
			label = fmt.Sprintf("%s (%d%%)", trimFloat(v), k*10)
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
	}
	return ticks
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	return strings.TrimSuffix(s, ".0")
}

var (
	xmlProlog = regexp.MustCompile(`<\?xml[^>]*\?>\s*|<!--.*?-->\s*`)
	xmlNS     = regexp.MustCompile(`\s+xmlns(:[a-z]+)?="[^"]*"`)
)

// ParetoSVG draws the Pareto chart (排列图) of a's categories with
// gonum/plot: bars of the counts, descending, and the cumulative share as a
// line, on one axis of counts labelled with the share; the 80 % line dashed.
// The result is an <svg> element for inlining in HTML; "" with no cases.
func ParetoSVG(a *Analysis) (string, error) {
	if a.Total == 0 || len(a.Pareto) == 0 {
		return "", nil
	}
	p := plot.New()
	l := a.Lang
	p.Title.Text = l.T("chart.pareto") + " " + a.Label
	p.Y.Label.Text = l.T("chart.pareto.y")
	total := float64(a.Total)
	p.Y.Min, p.Y.Max = 0, total
	p.Y.Tick.Marker = paretoTicks{total}

	counts := make(plotter.Values, len(a.Pareto))
	cum := make(plotter.XYs, len(a.Pareto))
	labels := make([]string, len(a.Pareto))
	for i, r := range a.Pareto {
		counts[i] = float64(r.Count)
		cum[i] = plotter.XY{X: float64(i), Y: float64(r.Cumulative)}
		labels[i] = r.Name
	}
	bars, err := plotter.NewBarChart(counts, vg.Points(28))
	if err != nil {
		return "", err
	}
	bars.Color = color.RGBA{R: 0x4a, G: 0x7e, B: 0xbb, A: 0xff}
	bars.LineStyle.Width = 0
	line, points, err := plotter.NewLinePoints(cum)
	if err != nil {
		return "", err
	}
	red := color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
	line.Color = red
	line.Width = vg.Points(1.5)
	points.Color = red
	points.Shape = draw.CircleGlyph{}
	points.Radius = vg.Points(2.5)
	share := plotter.NewFunction(func(float64) float64 { return total * ParetoShare / 100 })
	share.Color = color.Gray{Y: 0x80}
	share.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	share.Width = vg.Points(1)
	p.Add(plotter.NewGrid(), bars, line, points, share)
	p.Legend.Add(l.T("col.count"), bars)
	p.Legend.Add(l.T("chart.cumshare"), line, points)
	p.Legend.Add(fmt.Sprintf("%.0f%%", ParetoShare), share)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.Padding = vg.Points(3)
	p.Legend.XOffs = vg.Points(10)
	p.Legend.YOffs = -vg.Points(2)
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.6, float64(len(labels))-0.4

	width := vg.Length(len(labels))*vg.Points(48) + vg.Points(140)
	if width < 16*vg.Centimeter {
		width = 16 * vg.Centimeter
	}
	if width > 18*vg.Centimeter {
		width = 18 * vg.Centimeter
	}
	c := vgsvg.New(width, 9*vg.Centimeter)
	p.Draw(draw.New(c))
	return inlineSVG(c, l.T("chart.pareto"))
}

// inlineSVG is what was drawn on c as an <svg> element for HTML.
func inlineSVG(c *vgsvg.Canvas, label string) (string, error) {
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	// Inline SVG in HTML needs neither the XML prolog nor namespaces (whose
	// URLs would be the page's only references to the network).
	svg := xmlProlog.ReplaceAllString(buf.String(), "")
	svg = xmlNS.ReplaceAllString(svg, "")
	svg = strings.Replace(svg, "<svg ", `<svg class="chart" role="img" aria-label="`+template.HTMLEscapeString(label)+`" `, 1)
	return strings.TrimSpace(svg), nil
}

// trendColors tell the trend's lines apart; the rest line is grey.
var trendColors = []color.RGBA{
	{R: 0x4a, G: 0x7e, B: 0xbb, A: 0xff}, {R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}, {R: 0x27, G: 0xae, B: 0x60, A: 0xff},
	{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff}, {R: 0x8e, G: 0x44, B: 0xad, A: 0xff}, {R: 0x16, G: 0xa0, B: 0x85, A: 0xff},
}

// TrendSVG draws the trend curve (曲线图) with gonum/plot: one line per
// series of a.Trend (the most frequent categories, then the rest), per week
// or month, with the legend to the right; "" with fewer than two buckets or
// no cases.
func TrendSVG(a *Analysis) (string, error) {
	tr := a.Trend
	if len(tr.Buckets) < 2 || len(tr.Series) == 0 {
		return "", nil
	}
	l := a.Lang
	p := plot.New()
	if tr.Unit == "week" {
		p.Title.Text = l.T("chart.trend.wk") + " " + a.Label
		p.X.Label.Text = l.T("chart.trend.xwk")
	} else {
		p.Title.Text = l.T("chart.trend.mo") + " " + a.Label
		p.X.Label.Text = l.T("chart.trend.xmo")
	}
	p.Y.Label.Text = l.T("col.count")
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	legend.ThumbnailWidth = vg.Points(18)
	// Room for CJK names, which browsers draw taller than the metrics of
	// the font gonum/plot measures with.
	legend.Padding = vg.Points(5)
	ymax := 0
	for i, s := range tr.Series {
		xys := make(plotter.XYs, len(s.Counts))
		for j, n := range s.Counts {
			xys[j] = plotter.XY{X: float64(j), Y: float64(n)}
			ymax = max(ymax, n)
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return "", err
		}
		c := trendColors[i%len(trendColors)]
		if s.Category == TrendRest {
			c = color.RGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		}
		line.Color, line.Width = c, vg.Points(1.5)
		points.Color, points.Shape, points.Radius = c, draw.CircleGlyph{}, vg.Points(2)
		p.Add(line, points)
		legend.Add(s.Name, line, points)
	}
	labels := make([]string, len(tr.Buckets))
	for i, b := range tr.Buckets {
		labels[i] = bucketLabel(tr.Unit, b)
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
	p.Y.Max = float64(ymax)*1.1 + 1
	if len(labels) > 8 {
		p.X.Tick.Label.Rotation = 0.6
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}

	// The legend beside the plot, not over the lines, as wide as its
	// longest name.
	var longest vg.Length
	for _, s := range tr.Series {
		longest = max(longest, textWidth(s.Name, legend.TextStyle.Font.Size))
	}
	w, h := 18*vg.Centimeter, 8*vg.Centimeter
	legendW := min(max(longest+legend.ThumbnailWidth+vg.Points(20), 3*vg.Centimeter), 7*vg.Centimeter)
	c := vgsvg.New(w, h)
	dc := draw.New(c)
	p.Draw(draw.Crop(dc, 0, -legendW, 0, 0))
	legend.Draw(draw.Crop(dc, w-legendW+vg.Points(6), 0, 0, -vg.Points(28)))
	return inlineSVG(c, p.Title.Text)
}

// textWidth estimates how wide a browser draws s at size: a CJK character
// an em, others about half. (gonum/plot measures with a Latin font, which
// has no CJK glyphs.)
func textWidth(s string, size vg.Length) vg.Length {
	var w vg.Length
	for _, r := range s {
		if r >= 0x2E80 {
			w += size
		} else {
			w += size * 0.55
		}
	}
	return w
}

func fmtPct(v any) string {
	switch x := v.(type) {
	case *float64:
		if x == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f%%", *x)
	case float64:
		return fmt.Sprintf("%.2f%%", x)
	}
	return fmt.Sprint(v)
}

func fmtNum(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f", *v)
}

func fmtDelta(d int) string {
	if d > 0 {
		return fmt.Sprintf("+%d", d)
	}
	return fmt.Sprint(d)
}

// page is the report's layout; the funcs that depend on the language are
// placeholders here, bound per page in WriteHTML.
var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": fmtPct, "num": fmtNum, "delta": fmtDelta,
	"t":         func(string) (string, error) { return "", nil },
	"status":    func(string) string { return "" },
	"resp":      func(string) string { return "" },
	"date":      func(Period) string { return "" },
	"bucket":    func(TrendBucket) string { return "" },
	"join":      strings.Join,
	"threshold": func() int { return RecurringThreshold },
	"dict":      func(title string, rows []Count) countTable { return countTable{title, rows} },
}).Parse(`<!DOCTYPE html>
<html lang="{{.HTMLLang}}">
<head>
<meta charset="utf-8">
<title>{{.Company}} {{t "title"}} {{.Label}}</title>
<style>
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: {{if eq (print .HTMLLang) "zh-TW"}}"Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC", "Microsoft JhengHei", {{end}}"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  font-size: 10.5pt; color: #222; max-width: 186mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; padding-bottom: 1mm; break-after: avoid; }
p.meta { color: #555; margin: 0 0 4mm; }
p.note { color: #555; font-size: 9pt; margin: 0 0 2mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm; break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 1mm 2mm; text-align: left; }
th { background: #eef3f9; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.trend { font-size: 8pt; }
table.trend th, table.trend td { padding: 0.6mm 1mm; }
tr.vital td { font-weight: bold; }
.grid { display: flex; flex-wrap: wrap; gap: 4mm; }
.grid > div { flex: 1 1 55mm; }
svg.chart { width: 100%; height: auto; display: block; break-inside: avoid; }
section { break-inside: avoid-page; }
@media print { body { padding: 0; } }
</style>
</head>
<body>
<h1>{{.Company}} {{t "title"}}</h1>
<p class="meta">{{t "meta.period"}}{{t ":"}}{{date .Period}}{{t "("}}{{.Label}}{{t ","}}{{.TimeZone}}{{t ")"}}{{t "gap"}}{{t "meta.generated"}}{{t ":"}}{{.GeneratedAt.Format "2006-01-02 15:04"}}</p>

<h2>{{t "h.overview"}}</h2>
<table>
<tr><th>{{t "col.total"}}</th><th class="n">{{t "col.valid"}}</th><th class="n">{{t "col.invalid"}}</th><th class="n">{{t "col.pending"}}</th><th class="n">{{t "col.major"}}</th><th class="n">{{t "col.repeat"}}</th><th class="n">{{t "col.collective"}}</th><th class="n">{{t "col.previous"}}{{t "("}}{{.Previous.Label}}{{t ")"}}</th><th class="n">{{t "col.change"}}</th></tr>
<tr><td class="n">{{.Total}}</td><td class="n">{{.Validity.Valid}}</td><td class="n">{{.Validity.Invalid}}</td><td class="n">{{.Validity.Pending}}</td><td class="n">{{.Major}}</td><td class="n">{{.Repeat}}</td><td class="n">{{.Collective}}</td><td class="n">{{.Previous.Total}}</td><td class="n">{{delta .Previous.TotalDelta}}</td></tr>
</table>
<div class="grid">
<div>{{template "counts" (dict (t "h.signals") .Signals)}}</div>
<div><table><tr><th>{{t "h.messages"}}</th><th class="n">{{t "col.count"}}</th></tr>
<tr><td>{{t "col.praise"}}</td><td class="n">{{.OwnerMessages.Praise}}</td></tr>
<tr><td>{{t "col.suggestion"}}</td><td class="n">{{.OwnerMessages.Suggestions}}</td></tr>
<tr><td>{{t "col.inquiry"}}</td><td class="n">{{.OwnerMessages.Inquiries}}</td></tr>
</table></div>
</div>

<section>
<h2>{{t "h.pareto"}}</h2>
{{if .Chart}}{{.Chart}}{{else}}<p>{{t "no.cases"}}</p>{{end}}
<table>
<tr><th>{{t "col.category"}}</th><th class="n">{{t "col.count"}}</th><th class="n">{{t "col.share"}}</th><th class="n">{{t "col.cumcount"}}</th><th class="n">{{t "col.cumshare"}}</th><th>{{t "col.vital"}}</th></tr>
{{range .Pareto}}<tr{{if .Vital}} class="vital"{{end}}><td>{{.Name}}</td><td class="n">{{.Count}}</td><td class="n">{{pct .Percent}}</td><td class="n">{{.Cumulative}}</td><td class="n">{{pct .CumulativePercent}}</td><td>{{if .Vital}}{{t "yes"}}{{end}}</td></tr>
{{end}}</table>
</section>

<h2>{{t "h.distribution"}}</h2>
{{.TrendChart}}
{{if .Trend.Series}}<p class="note">{{if eq .Trend.Unit "week"}}{{t "trend.week"}}{{else}}{{t "trend.month"}}{{end}}</p>
<table class="trend">
<tr><th>{{if eq .Trend.Unit "week"}}{{t "col.week"}}{{else}}{{t "col.month"}}{{end}}</th>{{range .Trend.Buckets}}<th class="n">{{bucket .}}</th>{{end}}<th class="n">{{t "total"}}</th></tr>
{{range .Trend.Series}}<tr><td>{{.Name}}</td>{{range .Counts}}<td class="n">{{.}}</td>{{end}}<td class="n">{{.Total}}</td></tr>
{{end}}<tr><th>{{t "total"}}</th>{{range .Trend.Buckets}}<th class="n">{{.Total}}</th>{{end}}<th class="n">{{.Total}}</th></tr>
</table>{{end}}
<div class="grid">
{{define "counts"}}<table><tr><th>{{.Title}}</th><th class="n">{{t "col.count"}}</th></tr>
{{range .Rows}}<tr><td>{{.Name}}</td><td class="n">{{.Count}}</td></tr>
{{end}}</table>{{end}}
<div>{{template "counts" (dict (t "col.department") .ByDepartment)}}</div>
<div>{{template "counts" (dict (t "col.community") .ByCommunity)}}</div>
<div>{{template "counts" (dict (t "col.channel") .ByChannel)}}</div>
<div>{{template "counts" (dict (t "col.status") .ByStatus)}}</div>
</div>

<section>
<h2>{{t "h.deadlines"}}</h2>
<table>
<tr><th>{{t "col.step"}}</th><th class="n">{{t "col.due"}}</th><th class="n">{{t "col.intime"}}</th><th class="n">{{t "col.late"}}</th><th class="n">{{t "col.missed"}}</th><th class="n">{{t "col.notdue"}}</th><th class="n">{{t "col.rate"}}</th></tr>
{{range .Deadlines}}<tr><td>{{.Name}}</td><td class="n">{{.Due}}</td><td class="n">{{.InTime}}</td><td class="n">{{.Late}}</td><td class="n">{{.Missed}}</td><td class="n">{{.Pending}}</td><td class="n">{{pct .Percent}}</td></tr>
{{end}}</table>
</section>

<section>
<h2>{{t "h.revisit"}}</h2>
<table>
<tr><th class="n">{{t "col.revisited"}}</th><th class="n">{{t "col.eligible"}}</th><th class="n">{{t "col.eligrev"}}</th><th class="n">{{t "col.revrate"}}</th><th class="n">{{t "col.timeliness"}}</th><th class="n">{{t "col.satisfy"}}</th><th class="n">{{t "col.attitude"}}</th></tr>
<tr><td class="n">{{.Revisit.Revisited}}</td><td class="n">{{.Revisit.Eligible}}</td><td class="n">{{.Revisit.EligibleRevisited}}</td><td class="n">{{pct .Revisit.Rate}}</td><td class="n">{{num .Revisit.Timeliness}}</td><td class="n">{{num .Revisit.Satisfaction}}</td><td class="n">{{num .Revisit.Attitude}}</td></tr>
</table>
</section>

<section>
<h2>{{printf (t "h.recurring") threshold}}</h2>
{{if .Recurring}}<table>
<tr><th>{{t "col.community"}}</th><th>{{t "col.category"}}</th><th class="n">{{t "col.count"}}</th><th>{{t "col.serials"}}</th></tr>
{{range .Recurring}}<tr><td>{{.CommunityName}}</td><td>{{.CategoryName}}</td><td class="n">{{.Count}}</td><td>{{join .Serials (t "list")}}</td></tr>
{{end}}</table>{{else}}<p>{{t "none"}}</p>{{end}}
</section>

<section>
<h2>{{t "h.resp"}}</h2>
<table>
<tr><th>{{t "col.resp"}}</th><th class="n">{{t "col.count"}}</th></tr>
{{range .Responsibility}}<tr><td>{{.Name}}</td><td class="n">{{.Count}}</td></tr>
{{end}}</table>
{{if .CAPA}}<table>
<tr><th>{{t "col.capa"}}</th><th>{{t "col.serial"}}</th><th>{{t "col.resp"}}</th><th>{{t "col.status"}}</th></tr>
{{range .CAPA}}<tr><td>{{.Report}}</td><td>{{.Serial}}</td><td>{{resp .Responsibility}}</td><td>{{status .Status}}</td></tr>
{{end}}</table>{{end}}
</section>

<section>
<h2>{{t "h.previous"}}{{t "("}}{{.Previous.Label}}{{t ":"}}{{date .Previous.Period}}{{t ")"}}</h2>
<table>
<tr><th>{{t "col.category"}}</th><th class="n">{{t "col.current"}}</th><th class="n">{{t "col.previous"}}</th><th class="n">{{t "col.change"}}</th></tr>
{{range .Previous.ByCategory}}<tr><td>{{.Name}}</td><td class="n">{{.Current}}</td><td class="n">{{.Previous}}</td><td class="n">{{delta .Delta}}</td></tr>
{{end}}<tr><th>{{t "total"}}</th><th class="n">{{.Total}}</th><th class="n">{{.Previous.Total}}</th><th class="n">{{delta .Previous.TotalDelta}}</th></tr>
</table>
</section>
</body>
</html>
`))

type countTable struct {
	Title string
	Rows  []Count
}
