package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Filter selects cases for the register and the API.
type Filter struct {
	Statuses   []Status
	Category   string
	Department string
	Community  string
	Channel    Channel
	Overdue    bool       // has a deadline that passed unmet
	From, To   *time.Time // received in [From, To)
	Page       int        // 1-based
	PerPage    int        // default 50, at most 500
}

// Page is one page of a listing.
type Page struct {
	Cases   []Case `json:"cases"`
	Total   int    `json:"total"`
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
}

// List returns the cases matching f, newest first.
func (s *Service) List(ctx context.Context, f Filter) (*Page, error) {
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.PerPage > 500 {
		return nil, invalidField("per_page", "must be at most 500")
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if len(f.Statuses) > 0 {
		names := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			if !st.Valid() {
				return nil, invalidField("status", "unknown status %q", st)
			}
			names[i] = string(st)
		}
		where = append(where, "status = ANY("+arg(pq.StringArray(names))+")")
	}
	if f.Category != "" {
		if _, ok := s.cfg.Category(f.Category); !ok {
			return nil, invalidField("category", "unknown category %q", f.Category)
		}
		where = append(where, "category = "+arg(f.Category))
	}
	if f.Department != "" {
		if _, ok := s.cfg.Department(f.Department); !ok {
			return nil, invalidField("department", "unknown department %q", f.Department)
		}
		where = append(where, "department = "+arg(f.Department))
	}
	if f.Community != "" {
		id, ok := s.communityID(f.Community)
		if !ok {
			return nil, invalidField("community", "unknown community %q", f.Community)
		}
		where = append(where, "community = "+arg(id))
	}
	if f.Channel != "" {
		where = append(where, "channel = "+arg(string(f.Channel)))
	}
	if f.From != nil {
		where = append(where, "received_at >= "+arg(*f.From))
	}
	if f.To != nil {
		where = append(where, "received_at < "+arg(*f.To))
	}
	if f.Overdue {
		now := arg(s.now())
		where = append(where, `EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = cases.id
			AND d.superseded_at IS NULL AND d.step <> 'major'
			AND ((d.met_at IS NULL AND d.due_at <= `+now+`) OR d.met_at > d.due_at))`)
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	p := &Page{Page: f.Page, PerPage: f.PerPage, Cases: []Case{}}
	if err := s.db.GetContext(ctx, &p.Total, "SELECT count(*) FROM cases "+cond, args...); err != nil {
		return nil, fmt.Errorf("count cases: %w", err)
	}
	query := fmt.Sprintf("SELECT * FROM cases %s ORDER BY received_at DESC, id DESC LIMIT %d OFFSET %d",
		cond, f.PerPage, (f.Page-1)*f.PerPage)
	if err := s.db.SelectContext(ctx, &p.Cases, query, args...); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	for i := range p.Cases {
		if err := s.db.SelectContext(ctx, &p.Cases[i].Deadlines, q.Deadlines, p.Cases[i].ID); err != nil {
			return nil, fmt.Errorf("deadlines: %w", err)
		}
		p.Cases[i].ReceivedAt = p.Cases[i].ReceivedAt.In(s.cal.Location())
	}
	return p, nil
}

// Link ties cases together: individual cases to their collective case
// (000 §5.4), or two related cases. A collective case that reaches the
// configured number of complainants becomes major.
func (s *Service) Link(ctx context.Context, a Actor, serial string, kind LinkKind, related []string) (*Case, error) {
	if kind != LinkCollective && kind != LinkRelated {
		return nil, invalidField("kind", "must be %s or %s", LinkCollective, LinkRelated)
	}
	if len(related) == 0 {
		return nil, invalidField("serials", "name at least one case to link")
	}
	if a.Kind != ActorStaff {
		return nil, errorf(CodeForbidden, "only staff link cases")
	}
	ref, ok := s.cfg.StaffByID(a.ID)
	if !ok || (ref.Role != "specialist" && ref.Role != "general_manager") {
		return nil, errorf(CodeForbidden, "%s may not link cases: that is the specialist's", a.ID)
	}
	err := s.inTx(ctx, func(t *tx) error {
		var c Case
		if err := t.GetContext(ctx, &c, q.CaseBySerialForUpdate, serial); err != nil {
			return errorf(CodeNotFound, "no case %q", serial)
		}
		before := c
		for i, rs := range related {
			var r Case
			if err := t.GetContext(ctx, &r, q.CaseBySerial, rs); err != nil {
				return invalidField(fmt.Sprintf("serials[%d]", i), "no case %q", rs)
			}
			if r.ID == c.ID {
				return invalidField(fmt.Sprintf("serials[%d]", i), "a case cannot be linked to itself")
			}
			if _, err := t.Exec(q.InsertLink, c.ID, r.ID, kind, t.now); err != nil {
				return err
			}
		}
		if kind == LinkCollective {
			// The lead case's owner is one of the households: a lead
			// and 9 linked cases are 10 complainants.
			var total int
			if err := t.Get(&total, q.CountCollectiveComplainants, c.ID); err != nil {
				return err
			}
			if total > c.Complainants {
				c.Complainants = total
			}
			if !c.Major {
				if why := s.majorReason(&c); why != "" {
					c.Major, c.MajorReason = true, why
				}
			}
		}
		c.UpdatedAt = t.now
		if _, err := t.NamedExec(q.UpdateCase, &c); err != nil {
			return err
		}
		changes, _ := json.Marshal(diff(&before, &c, s.cal.Location()))
		if err := t.event(&c, a, s.actorName(a), "link_"+string(kind), c.Status, c.Status, changes, strings.Join(related, ", ")); err != nil {
			return err
		}
		// The cards show the count, and a case that became major.
		return s.changed(ctx, t, Change{Action: "link_" + string(kind), Actor: a, Before: &before, Case: &c})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, serial)
}

// Miss is a deadline the sweep found passed and unmet.
type Miss struct {
	CaseID int64     `db:"case_id"`
	Serial string    `db:"-"`
	Step   Step      `db:"step"`
	Due    time.Time `db:"due_at"`
}

// Sweep records every deadline that has passed unmet — once, even with
// several heed serve running — and turns cases unresolved a month after
// receipt into major complaints; it also marks the deadlines due for a
// reminder. Hooks hear of each miss and reminder in the same transaction
// (escalation cards). It returns the misses it recorded.
func (s *Service) Sweep(ctx context.Context) ([]Miss, error) {
	var misses []Miss
	err := s.inTx(ctx, func(t *tx) error {
		misses = nil
		if err := t.SelectContext(ctx, &misses, q.SweepMissed, t.now); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		for i, m := range misses {
			var c Case
			if err := t.GetContext(ctx, &c, q.CaseByIDForUpdate, m.CaseID); err != nil {
				return err
			}
			misses[i].Serial = c.Serial
			before := c
			note := fmt.Sprintf("%s deadline %s missed", m.Step, m.Due.In(s.cal.Location()).Format("2006-01-02 15:04"))
			if m.Step == StepMajor && !c.Major && c.Status.Open() {
				c.Major, c.MajorReason = true, "unresolved one month after receipt"
				c.UpdatedAt = t.now
				if _, err := t.NamedExec(q.UpdateCase, &c); err != nil {
					return err
				}
				c.Version++
			}
			changes, _ := json.Marshal(diff(&before, &c, s.cal.Location()))
			if err := t.event(&c, System, "heed", "deadline_missed", c.Status, c.Status, changes, note); err != nil {
				return err
			}
			if err := s.changed(ctx, t, Change{Action: "deadline_missed", Actor: System, Before: &before, Case: &c, Step: m.Step, Due: m.Due}); err != nil {
				return err
			}
		}
		if s.cfg.Rules.RemindAt <= 0 {
			return nil
		}
		var reminders []Miss
		if err := t.SelectContext(ctx, &reminders, q.SweepRemind, t.now, s.cfg.Rules.RemindAt); err != nil {
			return fmt.Errorf("sweep reminders: %w", err)
		}
		for _, r := range reminders {
			var c Case
			if err := t.GetContext(ctx, &c, q.CaseByIDForUpdate, r.CaseID); err != nil {
				return err
			}
			note := fmt.Sprintf("%s deadline %s: reminder", r.Step, r.Due.In(s.cal.Location()).Format("2006-01-02 15:04"))
			if err := t.event(&c, System, "heed", "deadline_reminder", c.Status, c.Status, nil, note); err != nil {
				return err
			}
			if err := s.changed(ctx, t, Change{Action: "deadline_reminder", Actor: System, Before: &c, Case: &c, Step: r.Step, Due: r.Due}); err != nil {
				return err
			}
		}
		return nil
	})
	return misses, err
}
