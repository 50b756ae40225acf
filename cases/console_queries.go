package cases

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/lib/pq"
)

// consoleQ are the statements of queries.sql's "-- console" block.
var consoleQ struct {
	ConsoleBoardCounts   string `sql:"console-board-counts"`
	ConsoleBoardItems    string `sql:"console-board-items"`
	ConsoleOpenDeadlines string `sql:"console-open-deadlines"`
	ConsoleRead          string `sql:"console-read"`
	ConsoleRegister      string `sql:"console-register"`
	ConsoleRegisterUnmet string `sql:"console-register-unmet"`
}

func init() { querySets = append(querySets, &consoleQ) }

// This file is what the complaint desk in a browser (bots/console) reads of
// the cases: its register (登记簿) and its deadline board (时限看板). The
// statements are the "-- console" blocks of queries.sql.

// ChannelConsole is the desk in a browser, as the channel a staff member's
// step was taken through (case events); complaints do not come from it.
const ChannelConsole Channel = "console"

// RegisterSort is an order the register can be read in.
type RegisterSort string

// The register's orders; the first is the default.
const (
	SortReceivedDesc RegisterSort = "received_desc" // newest first
	SortReceivedAsc  RegisterSort = "received_asc"
	SortUpdatedDesc  RegisterSort = "updated_desc" // latest change first
	SortSerialAsc    RegisterSort = "serial_asc"
	SortSerialDesc   RegisterSort = "serial_desc"
)

// RegisterSorts lists the orders, the default first.
var RegisterSorts = []RegisterSort{SortReceivedDesc, SortReceivedAsc, SortUpdatedDesc, SortSerialAsc, SortSerialDesc}

// registerOrder is each order's ORDER BY: the only text the register's
// statement is completed with, besides numbers.
var registerOrder = map[RegisterSort]string{
	SortReceivedDesc: "received_at DESC, id DESC",
	SortReceivedAsc:  "received_at, id",
	SortUpdatedDesc:  "updated_at DESC, id DESC",
	SortSerialAsc:    "serial",
	SortSerialDesc:   "serial DESC",
}

// RegisterFilter is what the desk's register shows: every field left zero
// leaves its filter out.
type RegisterFilter struct {
	Statuses []Status
	// Step: the case has this step's deadline still to meet (it is at that
	// step of the procedure's clock); with Overdue, that deadline passed.
	Step                         Step
	Department                   string // the handling (lead) department
	Community, Category, Handler string // ids; Handler is a staff id
	Channel                      Channel
	Urgency                      Urgency
	Major, Repeat, Collective    bool // collective: more than one complainant
	Overdue                      bool // a deadline passed and still unmet
	From, To                     *time.Time
	Search                       string // a serial, the owner's name, the phone's last digits, words of the content
	Sort                         RegisterSort
}

// MaxRegisterWords is how many words of a search the content must all contain.
const MaxRegisterWords = 3

// RegisterPage is one page of the register.
type RegisterPage struct {
	// Cases carry their deadlines still to meet, earliest first.
	Cases []Case
	// Total is how many cases pass the filter, counted up to the cap the
	// caller gave; Capped says there are more.
	Total  int
	Capped bool
}

// registerSelect is the register's statement for f, without its order.
func registerSelect(f RegisterFilter) string {
	if f.Step != "" || f.Overdue {
		return consoleQ.ConsoleRegister + "\n" + consoleQ.ConsoleRegisterUnmet
	}
	return consoleQ.ConsoleRegister
}

// registerArgs checks f and gives the parameters of registerSelect(f).
func (s *Service) registerArgs(f RegisterFilter) ([]any, error) {
	statuses := make([]string, len(f.Statuses))
	for i, st := range f.Statuses {
		if !st.Valid() {
			return nil, invalidField("status", "unknown status %q", st)
		}
		statuses[i] = string(st)
	}
	if f.Step != "" && !validStep(f.Step) {
		return nil, invalidField("step", "unknown step %q", f.Step)
	}
	if f.Department != "" {
		if _, ok := s.cfg.Department(f.Department); !ok {
			return nil, invalidField("department", "unknown department %q", f.Department)
		}
	}
	if f.Community != "" {
		if _, ok := s.cfg.Community(f.Community); !ok {
			return nil, invalidField("community", "unknown community %q", f.Community)
		}
	}
	if f.Category != "" {
		if _, ok := s.cfg.Category(f.Category); !ok {
			return nil, invalidField("category", "unknown category %q", f.Category)
		}
	}
	if f.Handler != "" {
		if _, ok := s.cfg.StaffByID(f.Handler); !ok {
			return nil, invalidField("handler", "unknown staff member %q", f.Handler)
		}
	}
	switch f.Urgency {
	case "", UrgencyNormal, UrgencyUrgent, UrgencyEmergency:
	default:
		return nil, invalidField("urgency", "unknown urgency %q", f.Urgency)
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return nil, invalidField("to", "the period ends before it starts")
	}
	se := parseRegisterSearch(f.Search)
	var from, to any
	if f.From != nil {
		from = *f.From
	}
	if f.To != nil {
		to = *f.To
	}
	args := append([]any{pq.StringArray(statuses), f.Department, f.Community, f.Category,
		string(f.Channel), string(f.Urgency), f.Major, f.Repeat, f.Collective, f.Handler, from, to}, se.args()...)
	if f.Step != "" || f.Overdue {
		args = append(args, string(f.Step), f.Overdue, s.now())
	}
	return args, nil
}

func validStep(st Step) bool {
	for _, x := range []Step{StepAcknowledge, StepDispatch, StepInvestigate, StepMeasures, StepReply} {
		if x == st {
			return true
		}
	}
	return false
}

// registerSearch is a search box's text as the register reads it: each
// text with its ILIKE pattern.
type registerSearch struct {
	serial, serialLike string // a serial or its end ("TS-2026-000123", "2026-000123")
	digits             string // 4 or more digits: a phone's last digits (or with serial, its end)
	name, nameLike     string // the owner's name, or part of it
	words              [MaxRegisterWords][2]string
	surname            string // LIKE pattern: the names one character begins
}

func (se registerSearch) args() []any {
	out := []any{se.serial, se.serialLike, se.digits, se.name, se.nameLike}
	for _, w := range se.words {
		out = append(out, w[0], w[1])
	}
	return append(out, se.surname)
}

// likeEscape makes text match itself in a LIKE pattern.
var likeEscape = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// looksLikeSerial: letters and digits joined by dashes, with a digit and a
// dash ("TS-2026-000123", "2026-000123").
func looksLikeSerial(q string) bool {
	return strings.Contains(q, "-") && strings.ContainsFunc(q, unicode.IsDigit) &&
		!strings.ContainsFunc(q, func(r rune) bool { return r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// parseRegisterSearch reads what a person typed: digits (spaces and dashes
// ignored, 4 or more) are the end of a phone number; letters and digits
// joined by dashes are a serial or its end (digits and dashes: either);
// one character is the surname names begin with; anything else is the owner's
// name or words the content holds (all of the first MaxRegisterWords, in
// any order).
func parseRegisterSearch(q string) registerSearch {
	var se registerSearch
	q = strings.TrimSpace(q)
	if q == "" {
		return se
	}
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == ' ' || r == '-':
			return -1
		}
		return 'x'
	}, q)
	if looksLikeSerial(q) {
		se.serial = strings.ToUpper(q)
		se.serialLike = "%" + likeEscape.Replace(se.serial)
	}
	if len(digits) >= 4 && !strings.Contains(digits, "x") {
		se.digits = digits // "2026-000123" may be either
	}
	if se.serial != "" || se.digits != "" {
		return se
	}
	if r := []rune(q); len(r) == 1 {
		// One character is a surname: too common in texts to look for.
		se.surname = likeEscape.Replace(q) + "%"
		return se
	}
	se.name, se.nameLike = q, "%"+likeEscape.Replace(q)+"%"
	words := strings.Fields(q)
	if len(words) > MaxRegisterWords {
		// The rest stay together as the last word's phrase.
		words = append(words[:MaxRegisterWords-1], strings.Join(words[MaxRegisterWords-1:], " "))
	}
	for i, w := range words {
		se.words[i] = [2]string{w, "%" + likeEscape.Replace(w) + "%"}
	}
	return se
}

// ListRegister reads one page of the register: limit cases from offset in
// f's order, and how many pass f, counted up to countCap.
func (s *Service) ListRegister(ctx context.Context, f RegisterFilter, offset, limit, countCap int) (*RegisterPage, error) {
	args, err := s.registerArgs(f)
	if err != nil {
		return nil, err
	}
	order, ok := registerOrder[f.Sort]
	if f.Sort == "" {
		order, ok = registerOrder[SortReceivedDesc], true
	}
	if !ok {
		return nil, invalidField("sort", "unknown order %q", f.Sort)
	}
	if offset < 0 || limit <= 0 || countCap <= 0 {
		return nil, invalidField("page", "offset %d, limit %d, count cap %d", offset, limit, countCap)
	}
	// One snapshot: the count and the page agree.
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	if _, err := tx.ExecContext(ctx, consoleQ.ConsoleRead); err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	base := registerSelect(f)
	p := &RegisterPage{Cases: []Case{}}
	counted := fmt.Sprintf("SELECT count(*) FROM (%s LIMIT %d) c", base, countCap+1)
	if err := tx.GetContext(ctx, &p.Total, counted, args...); err != nil {
		return nil, fmt.Errorf("register count: %w", err)
	}
	if p.Total > countCap {
		p.Total, p.Capped = countCap, true
	}
	page := fmt.Sprintf("%s ORDER BY %s LIMIT %d OFFSET %d", base, order, limit, offset)
	if err := tx.SelectContext(ctx, &p.Cases, page, args...); err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	if len(p.Cases) == 0 {
		return p, nil
	}
	ids := make([]int64, len(p.Cases))
	at := make(map[int64]int, len(p.Cases))
	for i := range p.Cases {
		ids[i], at[p.Cases[i].ID] = p.Cases[i].ID, i
		p.Cases[i].Deadlines = []DeadlineRecord{}
	}
	var open []struct {
		CaseID int64 `db:"case_id"`
		DeadlineRecord
	}
	if err := tx.SelectContext(ctx, &open, consoleQ.ConsoleOpenDeadlines, pq.Int64Array(ids)); err != nil {
		return nil, fmt.Errorf("register deadlines: %w", err)
	}
	loc := s.cal.Location()
	for _, d := range open {
		d.Due = d.Due.In(loc)
		c := &p.Cases[at[d.CaseID]]
		c.Deadlines = append(c.Deadlines, d.DeadlineRecord)
	}
	for i := range p.Cases {
		p.Cases[i].ReceivedAt = p.Cases[i].ReceivedAt.In(loc)
	}
	return p, nil
}

// EachRegisterCase calls fn with every case that passes f, in f's order —
// the register's export of exactly what is filtered. More than most cases
// is refused before any is read (CodeInvalid, field "period").
func (s *Service) EachRegisterCase(ctx context.Context, f RegisterFilter, most int, fn func(*Case) error) error {
	p, err := s.ListRegister(ctx, f, 0, 1, most)
	if err != nil {
		return err
	}
	if p.Capped {
		return invalidField("period", "more than %d cases pass the filter: choose a shorter period or more filters", most)
	}
	args, _ := s.registerArgs(f)
	order := registerOrder[f.Sort]
	if order == "" {
		order = registerOrder[SortReceivedDesc]
	}
	rows, err := s.db.QueryxContext(ctx, registerSelect(f)+" ORDER BY "+order, args...)
	if err != nil {
		return fmt.Errorf("register export: %w", err)
	}
	defer rows.Close()
	loc := s.cal.Location()
	for rows.Next() {
		var c Case
		if err := rows.StructScan(&c); err != nil {
			return fmt.Errorf("register export: %w", err)
		}
		c.ReceivedAt = c.ReceivedAt.In(loc)
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BoardItem is one deadline on the deadline board.
type BoardItem struct {
	Serial     string    `db:"serial"`
	Status     Status    `db:"status"`
	Department string    `db:"department"`
	Handler    string    `db:"handler"`
	Category   string    `db:"category"`
	Community  string    `db:"community"`
	Urgency    Urgency   `db:"urgency"`
	Major      bool      `db:"major"`
	Step       Step      `db:"step"`
	Due        time.Time `db:"due_at"`
}

// BoardGroup is one department's deadlines of one step: how many are
// overdue, due within two hours and due later today, and the earliest of
// them.
type BoardGroup struct {
	Department string      `db:"department"` // "" is the complaint desk (not yet dispatched)
	Step       Step        `db:"step"`
	Overdue    int         `db:"overdue"`
	Soon       int         `db:"soon"`  // due within two hours
	Today      int         `db:"today"` // due later today
	Items      []BoardItem `db:"-"`
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// BoardSoon is how close a deadline is "due soon" on the board.
const BoardSoon = 2 * time.Hour

// DeadlineBoard reads the board at now: every open case's deadline still to
// meet that is overdue or due by the end of today (or within BoardSoon),
// grouped by handling department and step, with the earliest perGroup
// deadlines of each group. Groups come in the configuration's department
// order (the desk's own first) and the procedure's step order.
func (s *Service) DeadlineBoard(ctx context.Context, now time.Time, perGroup int) ([]BoardGroup, error) {
	loc := s.cal.Location()
	local := now.In(loc)
	endOfDay := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	var groups []BoardGroup
	if err := s.db.SelectContext(ctx, &groups, consoleQ.ConsoleBoardCounts, now, now.Add(BoardSoon), endOfDay); err != nil {
		return nil, fmt.Errorf("deadline board: %w", err)
	}
	if len(groups) == 0 {
		return groups, nil
	}
	depts, steps := make([]string, len(groups)), make([]string, len(groups))
	at := map[[2]string]int{}
	for i, g := range groups {
		depts[i], steps[i] = g.Department, string(g.Step)
		at[[2]string{depts[i], steps[i]}] = i
	}
	var items []BoardItem
	if err := s.db.SelectContext(ctx, &items, consoleQ.ConsoleBoardItems, pq.StringArray(depts), pq.StringArray(steps),
		maxTime(now.Add(BoardSoon), endOfDay), perGroup); err != nil {
		return nil, fmt.Errorf("deadline board: %w", err)
	}
	for _, it := range items {
		it.Due = it.Due.In(loc)
		g := &groups[at[[2]string{it.Department, string(it.Step)}]]
		g.Items = append(g.Items, it)
	}
	deptOrder := map[string]int{"": 0}
	for i, d := range s.cfg.Departments {
		deptOrder[d.ID] = i + 1
	}
	stepOrder := map[Step]int{StepAcknowledge: 0, StepDispatch: 1, StepInvestigate: 2, StepMeasures: 3, StepReply: 4}
	rank := func(g BoardGroup) (int, int) {
		d, ok := deptOrder[g.Department]
		if !ok {
			d = len(deptOrder) // a department no longer configured: last
		}
		return d, stepOrder[g.Step]
	}
	slices.SortStableFunc(groups, func(a, b BoardGroup) int {
		da, sa := rank(a)
		db, sb := rank(b)
		return cmp.Or(cmp.Compare(da, db), cmp.Compare(sa, sb))
	})
	return groups, nil
}
