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
// images fetched from anywhere) that prints on A4, with the Pareto chart as
// inline SVG.
func WriteHTML(a *Analysis, w io.Writer) error {
	chart, err := ParetoSVG(a)
	if err != nil {
		return err
	}
	trend, err := TrendSVG(a)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, struct {
		*Analysis
		Chart, TrendChart template.HTML
	}{a, template.HTML(chart), template.HTML(trend)}); err != nil { //nolint:gosec // SVG drawn by gonum/plot, text escaped by it
		return err
	}
	_, err = buf.WriteTo(w)
	return err
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
	p.Title.Text = "投诉性质排列图 " + a.Label
	p.Y.Label.Text = "件数 (累计百分比)"
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
	p.Legend.Add("件数", bars)
	p.Legend.Add("累计百分比", line, points)
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
	return inlineSVG(p, width, 9*vg.Centimeter, "投诉性质排列图")
}

// inlineSVG draws p as an <svg> element for HTML.
func inlineSVG(p *plot.Plot, w, h vg.Length, label string) (string, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
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

// TrendSVG draws the trend curve (曲线图) of the cases per month with
// gonum/plot; "" with fewer than two months.
func TrendSVG(a *Analysis) (string, error) {
	if len(a.Trend) < 2 {
		return "", nil
	}
	p := plot.New()
	p.Title.Text = "投诉趋势（按月） " + a.Label
	p.Y.Label.Text = "件数"
	p.Y.Min = 0
	xys := make(plotter.XYs, len(a.Trend))
	labels := make([]string, len(a.Trend))
	for i, m := range a.Trend {
		xys[i] = plotter.XY{X: float64(i), Y: float64(m.Count)}
		labels[i] = m.Key
	}
	line, points, err := plotter.NewLinePoints(xys)
	if err != nil {
		return "", err
	}
	blue := color.RGBA{R: 0x4a, G: 0x7e, B: 0xbb, A: 0xff}
	line.Color, line.Width = blue, vg.Points(1.5)
	points.Color, points.Shape, points.Radius = blue, draw.CircleGlyph{}, vg.Points(2.5)
	values, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: func() []string {
		s := make([]string, len(a.Trend))
		for i, m := range a.Trend {
			s[i] = fmt.Sprint(m.Count)
		}
		return s
	}()})
	if err != nil {
		return "", err
	}
	values.Offset = vg.Point{X: -vg.Points(3), Y: vg.Points(5)}
	p.Add(plotter.NewGrid(), line, points, values)
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
	_, _, _, ymax := plotter.XYRange(xys)
	p.Y.Max = ymax*1.15 + 1
	return inlineSVG(p, 16*vg.Centimeter, 6*vg.Centimeter, "投诉趋势")
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

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": fmtPct, "num": fmtNum, "delta": fmtDelta,
	"date": func(p Period) string {
		return p.From.Format("2006-01-02") + " 至 " + p.To.AddDate(0, 0, -1).Format("2006-01-02")
	},
	"join":      strings.Join,
	"threshold": func() int { return RecurringThreshold },
	"dict":      func(title string, rows []Count) countTable { return countTable{title, rows} },
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{.Company}} 客户投诉统计分析 {{.Label}}</title>
<style>
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  font-size: 10.5pt; color: #222; max-width: 186mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; padding-bottom: 1mm; break-after: avoid; }
p.meta { color: #555; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm; break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 1mm 2mm; text-align: left; }
th { background: #eef3f9; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.vital td { font-weight: bold; }
.grid { display: flex; flex-wrap: wrap; gap: 4mm; }
.grid > div { flex: 1 1 55mm; }
svg.chart { width: 100%; height: auto; display: block; break-inside: avoid; }
section { break-inside: avoid-page; }
@media print { body { padding: 0; } }
</style>
</head>
<body>
<h1>{{.Company}} 客户投诉统计分析</h1>
<p class="meta">统计期间：{{date .Period}}（{{.Label}}，{{.TimeZone}}）　生成时间：{{.GeneratedAt.Format "2006-01-02 15:04"}}</p>

<h2>一、概况</h2>
<table>
<tr><th>投诉总数</th><th class="n">有效</th><th class="n">无效</th><th class="n">待判定</th><th class="n">重大投诉</th><th class="n">重复投诉</th><th class="n">集体投诉</th><th class="n">上期（{{.Previous.Label}}）</th><th class="n">增减</th></tr>
<tr><td class="n">{{.Total}}</td><td class="n">{{.Validity.Valid}}</td><td class="n">{{.Validity.Invalid}}</td><td class="n">{{.Validity.Pending}}</td><td class="n">{{.Major}}</td><td class="n">{{.Repeat}}</td><td class="n">{{.Collective}}</td><td class="n">{{.Previous.Total}}</td><td class="n">{{delta .Previous.TotalDelta}}</td></tr>
</table>

<section>
<h2>二、投诉性质排列图（帕累托分析）</h2>
{{if .Chart}}{{.Chart}}{{else}}<p>本期无投诉。</p>{{end}}
<table>
<tr><th>投诉性质</th><th class="n">件数</th><th class="n">占比</th><th class="n">累计件数</th><th class="n">累计占比</th><th>主要问题（前80%）</th></tr>
{{range .Pareto}}<tr{{if .Vital}} class="vital"{{end}}><td>{{.Name}}</td><td class="n">{{.Count}}</td><td class="n">{{pct .Percent}}</td><td class="n">{{.Cumulative}}</td><td class="n">{{pct .CumulativePercent}}</td><td>{{if .Vital}}是{{end}}</td></tr>
{{end}}</table>
</section>

<h2>三、分布</h2>
{{.TrendChart}}
<table>
<tr><th>月份</th>{{range .Trend}}<th class="n">{{.Key}}</th>{{end}}</tr>
<tr><td>件数</td>{{range .Trend}}<td class="n">{{.Count}}</td>{{end}}</tr>
</table>
<div class="grid">
{{define "counts"}}<table><tr><th>{{.Title}}</th><th class="n">件数</th></tr>
{{range .Rows}}<tr><td>{{.Name}}</td><td class="n">{{.Count}}</td></tr>
{{end}}</table>{{end}}
<div>{{template "counts" (dict "处理部门" .ByDepartment)}}</div>
<div>{{template "counts" (dict "小区" .ByCommunity)}}</div>
<div>{{template "counts" (dict "投诉渠道" .ByChannel)}}</div>
<div>{{template "counts" (dict "状态" .ByStatus)}}</div>
</div>

<section>
<h2>四、处理时限达标情况</h2>
<table>
<tr><th>环节</th><th class="n">到期</th><th class="n">按时完成</th><th class="n">超时完成</th><th class="n">超时未完成</th><th class="n">未到期</th><th class="n">达标率</th></tr>
{{range .Deadlines}}<tr><td>{{.Name}}</td><td class="n">{{.Due}}</td><td class="n">{{.InTime}}</td><td class="n">{{.Late}}</td><td class="n">{{.Missed}}</td><td class="n">{{.Pending}}</td><td class="n">{{pct .Percent}}</td></tr>
{{end}}</table>
</section>

<section>
<h2>五、回访</h2>
<table>
<tr><th class="n">已回访</th><th class="n">应回访（有效且已回访/闭合）</th><th class="n">其中已回访</th><th class="n">回访率</th><th class="n">及时性</th><th class="n">满意度</th><th class="n">服务态度</th></tr>
<tr><td class="n">{{.Revisit.Revisited}}</td><td class="n">{{.Revisit.Eligible}}</td><td class="n">{{.Revisit.EligibleRevisited}}</td><td class="n">{{pct .Revisit.Rate}}</td><td class="n">{{num .Revisit.Timeliness}}</td><td class="n">{{num .Revisit.Satisfaction}}</td><td class="n">{{num .Revisit.Attitude}}</td></tr>
</table>
</section>

<section>
<h2>六、重复发生的问题（同一小区同一性质 ≥ {{threshold}} 件）</h2>
{{if .Recurring}}<table>
<tr><th>小区</th><th>投诉性质</th><th class="n">件数</th><th>编号</th></tr>
{{range .Recurring}}<tr><td>{{.CommunityName}}</td><td>{{.CategoryName}}</td><td class="n">{{.Count}}</td><td>{{join .Serials "、"}}</td></tr>
{{end}}</table>{{else}}<p>无。</p>{{end}}
</section>

<section>
<h2>责任界定与纠正预防措施</h2>
<table>
<tr><th>责任界定</th><th class="n">件数</th></tr>
{{range .Responsibility}}<tr><td>{{.Name}}</td><td class="n">{{.Count}}</td></tr>
{{end}}</table>
{{if .CAPA}}<table>
<tr><th>CAPA 报告编号</th><th>投诉编号</th><th>责任界定</th><th>状态</th></tr>
{{range .CAPA}}<tr><td>{{.Report}}</td><td>{{.Serial}}</td><td>{{.Responsibility}}</td><td>{{.Status}}</td></tr>
{{end}}</table>{{end}}
</section>

<section>
<h2>七、与上期对比（{{.Previous.Label}}：{{date .Previous.Period}}）</h2>
<table>
<tr><th>投诉性质</th><th class="n">本期</th><th class="n">上期</th><th class="n">增减</th></tr>
{{range .Previous.ByCategory}}<tr><td>{{.Name}}</td><td class="n">{{.Current}}</td><td class="n">{{.Previous}}</td><td class="n">{{delta .Delta}}</td></tr>
{{end}}<tr><th>合计</th><th class="n">{{.Total}}</th><th class="n">{{.Previous.Total}}</th><th class="n">{{delta .Previous.TotalDelta}}</th></tr>
</table>
</section>
</body>
</html>
`))

type countTable struct {
	Title string
	Rows  []Count
}
