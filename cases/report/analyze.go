package report

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/config"
)

// RecurringThreshold is how many cases of one category in one community
// within the period make a recurring problem.
const RecurringThreshold = 3

// ParetoShare is the cumulative share (percent) whose categories are the
// "vital few" of the Pareto analysis.
const ParetoShare = 80.0

// Steps are the deadlines whose compliance is reported, in procedure order.
var Steps = []string{"receipt", "dispatch", "investigate", "measures", "reply"}

// now is the clock that decides which open deadlines are overdue.
var now = time.Now

// Analysis is the figures of one period.
type Analysis struct {
	Company     string    `json:"company"`
	Lang        Lang      `json:"lang"` // of every "name" and label below; keys never change
	Period      Period    `json:"period"`
	Label       string    `json:"label"` // 2026-Q1
	TimeZone    string    `json:"time_zone"`
	GeneratedAt time.Time `json:"generated_at"`

	Total        int     `json:"total"`
	ByCategory   []Count `json:"by_category"`
	ByDepartment []Count `json:"by_department"`
	ByCommunity  []Count `json:"by_community"`
	ByChannel    []Count `json:"by_channel"`
	ByStatus     []Count `json:"by_status"`

	Validity   Validity `json:"validity"`
	Major      int      `json:"major"`
	Repeat     int      `json:"repeat"`
	Collective int      `json:"collective"` // complainants > 1
	// Signals counts the cases whose owners spoke of a lawsuit, the media,
	// a government hotline, a petition or many households; OwnerMessages
	// what owners wrote that was no complaint (praise, suggestions,
	// questions), counted apart from the complaints.
	Signals       []Count       `json:"signals"`
	OwnerMessages OwnerMessages `json:"owner_messages"`

	Trend     Trend        `json:"trend"` // cases per week or month by category, for the trend curve
	Pareto    []ParetoRow  `json:"pareto"`
	VitalFew  []string     `json:"vital_few"` // categories making up the first 80 %
	Deadlines []Compliance `json:"deadlines"`
	Revisit   Revisit      `json:"revisit"`
	Recurring []Recurring  `json:"recurring"`
	// Responsibility findings (责任界定) and the CAPA reports (纠正/预防措施).
	Responsibility []Count    `json:"responsibility"` // quality_defect, improper_use, undetermined, "" not yet found
	CAPA           []CAPA     `json:"capa"`
	Previous       Comparison `json:"previous"`
}

// Count is the number of cases with one value of a field.
type Count struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Validity counts the specialist's judgements.
type Validity struct {
	Valid   int `json:"valid"`
	Invalid int `json:"invalid"`
	Pending int `json:"pending"`
}

// ParetoRow is one bar of the Pareto chart (排列图).
type ParetoRow struct {
	Category          string  `json:"category"`
	Name              string  `json:"name"`
	Count             int     `json:"count"`
	Percent           float64 `json:"percent"`            // of the total, 2 decimals
	Cumulative        int     `json:"cumulative"`         // cases up to and including this row
	CumulativePercent float64 `json:"cumulative_percent"` // 2 decimals
	Vital             bool    `json:"vital"`              // among the first 80 %
}

// Compliance is how one step's deadlines were kept.
type Compliance struct {
	Step    string   `json:"step"`
	Name    string   `json:"name"`
	Due     int      `json:"due"`     // deadlines that fell due or were met: in time + late + missed
	InTime  int      `json:"in_time"` // met by the deadline
	Late    int      `json:"late"`    // met after it
	Missed  int      `json:"missed"`  // not met, and missed or past due (open overdue)
	Pending int      `json:"pending"` // open, not yet due
	Percent *float64 `json:"percent"` // in time / due, 2 decimals; null with nothing due
}

// Revisit is the revisit (回访) figures.
type Revisit struct {
	Revisited         int      `json:"revisited"`          // answered, or scores recorded
	Eligible          int      `json:"eligible"`           // valid cases verified, closed or archived
	EligibleRevisited int      `json:"eligible_revisited"` // of those, revisited
	Rate              *float64 `json:"rate"`               // eligible revisited / eligible, percent
	Timeliness        *float64 `json:"avg_timeliness"`     // 1–5, 2 decimals
	Satisfaction      *float64 `json:"avg_satisfaction"`
	Attitude          *float64 `json:"avg_attitude"`
	Scored            int      `json:"scored"` // cases with at least one score
}

// Recurring is one category recurring in one community.
type Recurring struct {
	Category      string   `json:"category"`
	CategoryName  string   `json:"category_name"`
	Community     string   `json:"community"`
	CommunityName string   `json:"community_name"`
	Count         int      `json:"count"`
	Serials       []string `json:"serials"`
}

// Comparison is the change against the previous period of equal length.
type Comparison struct {
	Period     Period  `json:"period"`
	Label      string  `json:"label"`
	Total      int     `json:"total"`
	TotalDelta int     `json:"total_delta"`
	ByCategory []Delta `json:"by_category"`
}

// Delta is one category's change.
type Delta struct {
	Category string `json:"category"`
	Name     string `json:"name"`
	Current  int    `json:"current"`
	Previous int    `json:"previous"`
	Delta    int    `json:"delta"`
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func pct(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	v := round2(float64(n) * 100 / float64(d))
	return &v
}

// Analyze computes the figures of the cases received in p with heed's
// names (channels, statuses, steps…) in lang; the company's category,
// department and community names stay as configured. facts gives what
// the conversation with owners adds (revisits answered, praise…).
func Analyze(ctx context.Context, db *sqlx.DB, facts Facts, cfg *config.Config, p Period, lang Lang) (*Analysis, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	lang, err := ParseLang(string(lang))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	loc, err := cfg.Calendar.Location()
	if err != nil {
		return nil, err
	}
	p = Period{From: p.From.In(loc), To: p.To.In(loc)}
	if !p.To.After(p.From) {
		return nil, fmt.Errorf("report: empty period %s..%s", p.From, p.To)
	}
	tx, err := db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck
	// The planner is told the pages are in memory or on SSD (queries.sql).
	if _, err := tx.ExecContext(ctx, q.Planner); err != nil {
		return nil, err
	}
	at := now()
	a := &Analysis{Company: cfg.Company.Name, Lang: lang, Period: p, Label: p.String(), TimeZone: loc.String(), GeneratedAt: at.In(loc)}
	names := newNames(cfg, lang)
	const inPeriod = `received_at >= $1 AND received_at < $2`

	// The deadlines, revisits, recurring problems, responsibility and CAPA
	// are read at the same time on a second connection that sees exactly
	// this transaction's snapshot: two cores, half the wait.
	var snapshot string
	if err := tx.GetContext(ctx, &snapshot, q.ExportSnapshot); err != nil {
		return nil, err
	}
	other := make(chan error, 1)
	go func() {
		other <- inSnapshot(ctx, db, snapshot, func(tx *sqlx.Tx) error {
			var err error
			if a.Deadlines, err = deadlines(ctx, tx, p, at, lang); err != nil {
				return err
			}
			if a.Revisit, err = revisits(ctx, tx, facts, p); err != nil {
				return err
			}

			var rec []struct {
				Category  string         `db:"category"`
				Community string         `db:"community"`
				Count     int            `db:"count"`
				Serials   pq.StringArray `db:"serials"`
			}
			if err := tx.SelectContext(ctx, &rec, q.Recurring, p.From, p.To, RecurringThreshold); err != nil {
				return fmt.Errorf("report: recurring: %w", err)
			}
			a.Recurring = []Recurring{}
			for _, r := range rec {
				a.Recurring = append(a.Recurring, Recurring{Category: r.Category, CategoryName: names.category(r.Category),
					Community: r.Community, CommunityName: names.community(r.Community), Count: r.Count, Serials: []string(r.Serials)})
			}

			var resp []Count
			if err := tx.SelectContext(ctx, &resp, q.Responsibility, p.From, p.To); err != nil {
				return fmt.Errorf("report: responsibility: %w", err)
			}
			a.Responsibility = []Count{}
			for _, r := range resp {
				r.Name = lang.Responsibility(r.Key)
				a.Responsibility = append(a.Responsibility, r)
			}
			a.CAPA = []CAPA{}
			if err := tx.SelectContext(ctx, &a.CAPA, q.CAPA, p.From, p.To); err != nil {
				return fmt.Errorf("report: capa: %w", err)
			}
			return nil
		})
	}()

	counts := func(col string, name func(string) string) ([]Count, error) {
		var rows []Count
		if err := tx.SelectContext(ctx, &rows, `SELECT `+col+` AS key, count(*) AS count FROM cases
			WHERE `+inPeriod+` GROUP BY `+col+` ORDER BY count(*) DESC, `+col, p.From, p.To); err != nil {
			return nil, fmt.Errorf("report: count by %s: %w", col, err)
		}
		for i := range rows {
			rows[i].Name = name(rows[i].Key)
		}
		return rows, nil
	}
	if a.ByCategory, err = counts("category", names.category); err != nil {
		return nil, err
	}
	if a.ByDepartment, err = counts("department", names.department); err != nil {
		return nil, err
	}
	if a.ByCommunity, err = counts("community", names.community); err != nil {
		return nil, err
	}
	if a.ByChannel, err = counts("channel", lang.Channel); err != nil {
		return nil, err
	}
	if a.ByStatus, err = counts("status", lang.Status); err != nil {
		return nil, err
	}

	var tot struct {
		Total      int `db:"total"`
		Valid      int `db:"valid"`
		Invalid    int `db:"invalid"`
		Pending    int `db:"pending"`
		Major      int `db:"major"`
		Repeat     int `db:"repeat"`
		Collective int `db:"collective"`
	}
	if err := tx.GetContext(ctx, &tot, q.Totals, p.From, p.To); err != nil {
		return nil, fmt.Errorf("report: totals: %w", err)
	}
	a.Total = tot.Total
	a.Validity = Validity{Valid: tot.Valid, Invalid: tot.Invalid, Pending: tot.Pending}
	a.Major, a.Repeat, a.Collective = tot.Major, tot.Repeat, tot.Collective
	if a.Signals, err = signalCounts(ctx, tx, p, lang); err != nil {
		return nil, err
	}
	if a.OwnerMessages, err = ownerMessages(ctx, tx, facts, p); err != nil {
		return nil, err
	}

	a.Pareto, a.VitalFew = pareto(a.ByCategory, a.Total)

	if a.Trend, err = trend(ctx, tx, p, loc, a.ByCategory, names); err != nil {
		return nil, err
	}

	if err := <-other; err != nil {
		return nil, err
	}
	prev := p.Previous()
	var before []Count
	if err := tx.SelectContext(ctx, &before, q.CategoryCounts, prev.From, prev.To); err != nil {
		return nil, fmt.Errorf("report: previous period: %w", err)
	}
	a.Previous = compare(prev, a.ByCategory, before, names)
	a.Previous.TotalDelta = a.Total - a.Previous.Total
	return a, tx.Commit()
}

// inSnapshot runs fn in a read-only transaction that sees the exported
// snapshot, with the analysis's planner setting.
func inSnapshot(ctx context.Context, db *sqlx.DB, snapshot string, fn func(*sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.ExecContext(ctx, `SET TRANSACTION SNAPSHOT `+pq.QuoteLiteral(snapshot)); err != nil {
		return fmt.Errorf("report: snapshot: %w", err)
	}
	if _, err := tx.ExecContext(ctx, q.Planner); err != nil {
		return err
	}
	return fn(tx)
}

// pareto sorts the categories by count, descending, with their shares and
// marks the ones making up the first ParetoShare percent (the category that
// crosses it included).
func pareto(byCategory []Count, total int) ([]ParetoRow, []string) {
	rows := make([]ParetoRow, 0, len(byCategory))
	sorted := append([]Count(nil), byCategory...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Count != sorted[j].Count {
			return sorted[i].Count > sorted[j].Count
		}
		return sorted[i].Key < sorted[j].Key
	})
	vital := []string{}
	cum := 0
	for _, c := range sorted {
		prevPct := 0.0
		if total > 0 {
			prevPct = float64(cum) * 100 / float64(total)
		}
		cum += c.Count
		r := ParetoRow{Category: c.Key, Name: c.Name, Count: c.Count, Cumulative: cum}
		if total > 0 {
			r.Percent = round2(float64(c.Count) * 100 / float64(total))
			r.CumulativePercent = round2(float64(cum) * 100 / float64(total))
		}
		r.Vital = prevPct < ParetoShare
		if r.Vital {
			vital = append(vital, c.Key)
		}
		rows = append(rows, r)
	}
	return rows, vital
}

func deadlines(ctx context.Context, tx *sqlx.Tx, p Period, at time.Time, lang Lang) ([]Compliance, error) {
	var rows []struct {
		Step    string `db:"step"`
		InTime  int    `db:"in_time"`
		Late    int    `db:"late"`
		Missed  int    `db:"missed"`
		Pending int    `db:"pending"`
	}
	if err := tx.SelectContext(ctx, &rows, q.Compliance, p.From, p.To, at); err != nil {
		return nil, fmt.Errorf("report: deadlines: %w", err)
	}
	out := make([]Compliance, len(Steps))
	for i, s := range Steps {
		out[i] = Compliance{Step: s, Name: lang.Step(s)}
		for _, r := range rows {
			if r.Step == s {
				out[i].InTime, out[i].Late, out[i].Missed, out[i].Pending = r.InTime, r.Late, r.Missed, r.Pending
			}
		}
		out[i].Due = out[i].InTime + out[i].Late + out[i].Missed
		out[i].Percent = pct(out[i].InTime, out[i].Due)
	}
	return out, nil
}

func revisits(ctx context.Context, tx *sqlx.Tx, facts Facts, p Period) (Revisit, error) {
	answered, err := facts.AnsweredRevisits(ctx, tx, p.From)
	if err != nil {
		return Revisit{}, fmt.Errorf("report: revisits answered: %w", err)
	}
	var r struct {
		Revisited         int             `db:"revisited"`
		Eligible          int             `db:"eligible"`
		EligibleRevisited int             `db:"eligible_revisited"`
		Scored            int             `db:"scored"`
		Timeliness        sql.NullFloat64 `db:"timeliness"`
		Satisfaction      sql.NullFloat64 `db:"satisfaction"`
		Attitude          sql.NullFloat64 `db:"attitude"`
	}
	if err := tx.GetContext(ctx, &r, q.Revisits, p.From, p.To, pq.StringArray(answered)); err != nil {
		return Revisit{}, fmt.Errorf("report: revisits: %w", err)
	}
	avg := func(v sql.NullFloat64) *float64 {
		if !v.Valid {
			return nil
		}
		x := round2(v.Float64)
		return &x
	}
	return Revisit{Revisited: r.Revisited, Eligible: r.Eligible, EligibleRevisited: r.EligibleRevisited,
		Rate: pct(r.EligibleRevisited, r.Eligible), Scored: r.Scored,
		Timeliness: avg(r.Timeliness), Satisfaction: avg(r.Satisfaction), Attitude: avg(r.Attitude)}, nil
}

func compare(prev Period, current, before []Count, names names) Comparison {
	cmp := Comparison{Period: prev, Label: prev.String(), ByCategory: []Delta{}}
	cur := map[string]int{}
	old := map[string]int{}
	for _, c := range current {
		cur[c.Key] = c.Count
	}
	for _, c := range before {
		old[c.Key] = c.Count
		cmp.Total += c.Count
	}
	// Categories in the configuration's order, then any others by key.
	var keys []string
	seen := map[string]bool{}
	for _, c := range names.cfg.Categories {
		if cur[c.ID] > 0 || old[c.ID] > 0 {
			keys = append(keys, c.ID)
			seen[c.ID] = true
		}
	}
	var extra []string
	for _, m := range []map[string]int{cur, old} {
		for k := range m {
			if !seen[k] {
				extra = append(extra, k)
				seen[k] = true
			}
		}
	}
	sort.Strings(extra)
	for _, k := range append(keys, extra...) {
		cmp.ByCategory = append(cmp.ByCategory, Delta{Category: k, Name: names.category(k),
			Current: cur[k], Previous: old[k], Delta: cur[k] - old[k]})
	}
	return cmp
}

// CAPA is a case with a corrective/preventive action report.
type CAPA struct {
	Report           string `db:"capa_report" json:"report"`
	Serial           string `db:"serial" json:"serial"`
	Category         string `db:"category" json:"category"`
	Status           string `db:"status" json:"status"`
	Responsibility   string `db:"responsibility" json:"responsibility"`
	ResponsibleStaff string `db:"responsible_staff" json:"responsible_staff"`
}
