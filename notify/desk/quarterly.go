package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases/report"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// PostQuarterlyReport posts the previous quarter's key figures to the
// specialists' chats at the start of each quarter (000: at least
// quarterly) — once, even with several heed serve: the first to claim the
// quarter in heed_settings queues the message in the same transaction. It
// reports whether it posted.
func (d *Desk) PostQuarterlyReport(ctx context.Context) (bool, error) {
	loc := d.svc.Calendar().Location()
	posted := false
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		posted = false
		q := report.Quarter(now.In(loc), loc)
		if now.Sub(q.From) > 7*24*time.Hour {
			return nil // only in a quarter's first week: a server started mid-quarter waits for the next
		}
		p := q.Previous()
		claimed, err := d.svc.ClaimOnce(ctx, tx, "quarterly_report:"+p.String(), now.Format(time.RFC3339))
		if err != nil || !claimed {
			return err // !claimed: another heed serve posted it
		}
		a, err := report.Analyze(ctx, d.svc.DB(), conversation.ReportFacts{}, d.cfg, p, report.ZhCN)
		if err != nil {
			return err
		}
		text := QuarterlySummary(a)
		var msgs []notify.Message
		for _, t := range d.teamTargets(d.cfg.Team.Specialists) {
			msgs = append(msgs, notify.Message{Channel: t.platform, ChatID: t.chat, Payload: notify.Payload{Text: text}})
		}
		posted = len(msgs) > 0
		return notify.Enqueue(ctx, tx, now, msgs...)
	})
	return posted, err
}

// QuarterlySummary is the key figures of an analysis as a chat message, with
// where to get the whole report.
func QuarterlySummary(a *report.Analysis) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【投诉分析】%s %s\n", a.Company, a.Label)
	fmt.Fprintf(&b, "投诉 %d 件（上期 %d，%+d）；有效 %d，无效 %d；重大 %d，重复 %d，集体 %d\n",
		a.Total, a.Previous.Total, a.Previous.TotalDelta, a.Validity.Valid, a.Validity.Invalid, a.Major, a.Repeat, a.Collective)
	b.WriteString(ownerWords(a))
	if len(a.VitalFew) > 0 {
		var names []string
		for _, r := range a.Pareto {
			if r.Vital {
				names = append(names, fmt.Sprintf("%s %d", r.Name, r.Count))
			}
		}
		fmt.Fprintf(&b, "主要问题（累计 80%%）：%s\n", strings.Join(names, "、"))
	}
	var steps []string
	for _, c := range a.Deadlines {
		if c.Percent != nil {
			steps = append(steps, fmt.Sprintf("%s %.1f%%", c.Name, *c.Percent))
		}
	}
	if len(steps) > 0 {
		fmt.Fprintf(&b, "按时率：%s\n", strings.Join(steps, "，"))
	}
	if a.Revisit.Rate != nil {
		fmt.Fprintf(&b, "回访率 %.1f%%", *a.Revisit.Rate)
		if a.Revisit.Satisfaction != nil {
			fmt.Fprintf(&b, "，满意度均分 %.2f", *a.Revisit.Satisfaction)
		}
		b.WriteString("\n")
	}
	if len(a.Recurring) > 0 {
		fmt.Fprintf(&b, "反复出现的问题 %d 项，请提交跨部门讨论\n", len(a.Recurring))
	}
	fmt.Fprintf(&b, "完整报告：heed report --period %s --format html，或 GET /api/v1/reports/analysis?period=%s&format=html", a.Label, a.Label)
	return b.String()
}

// summary is the key figures of a period for a staff member who asks in
// team chat (/report 2026-Q3); "" is the current quarter. Who may ask the
// command says (Commands).
func (d *Desk) summary(ctx context.Context, period string) string {
	loc := d.svc.Calendar().Location()
	p := report.Quarter(time.Now().In(loc), loc)
	if strings.TrimSpace(period) != "" {
		var err error
		if p, err = report.ParsePeriod(strings.TrimSpace(period), loc); err != nil {
			return "用法：/report 2026-Q3（也可 2026、2026-H1、2026-11、2026-01-01..2026-03-31）"
		}
	}
	a, err := report.Analyze(ctx, d.svc.DB(), conversation.ReportFacts{}, d.cfg, p, report.ZhCN)
	if err != nil {
		return "暂时无法生成分析，请稍后再试。"
	}
	return QuarterlySummary(a)
}
