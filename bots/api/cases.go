package api

// The case endpoints: list, read by serial, record a complaint for an
// owner, act on a case, link cases.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/report"
)

// list is GET /api/v1/cases?status=…&category=…&period=…&page=…: one page
// of the register, filtered.
func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	qs := r.URL.Query()
	f := cases.Filter{Category: qs.Get("category"), Department: qs.Get("department"),
		Community: qs.Get("community"), Channel: cases.Channel(qs.Get("channel"))}
	for _, s := range qs["status"] {
		for _, one := range strings.Split(s, ",") {
			f.Statuses = append(f.Statuses, cases.Status(one))
		}
	}
	var err error
	if v := qs.Get("overdue"); v != "" {
		if f.Overdue, err = strconv.ParseBool(v); err != nil {
			return bad("overdue", "must be true or false")
		}
	}
	for name, dst := range map[string]*int{"page": &f.Page, "per_page": &f.PerPage} {
		if v := qs.Get(name); v != "" {
			if *dst, err = strconv.Atoi(v); err != nil || *dst < 1 || *dst > maxPage {
				return bad(name, "must be a whole number from 1 to %d", maxPage)
			}
		}
	}
	if f.From, f.To, err = a.period(qs.Get("period"), qs.Get("from"), qs.Get("to")); err != nil {
		return err
	}
	page, err := a.svc.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// period reads period=2026, 2026-Q3, 2026-11 or from/to dates, in the
// company's time zone.
func (a *API) period(p, from, to string) (*time.Time, *time.Time, error) {
	loc := a.svc.Calendar().Location()
	if p != "" {
		var start, end time.Time
		var y, n int
		switch {
		case len(p) == 4:
			if _, err := fmt.Sscanf(p, "%4d", &y); err != nil {
				return nil, nil, bad("period", "use 2026, 2026-Q3 or 2026-11")
			}
			start = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
			end = start.AddDate(1, 0, 0)
		case strings.Contains(p, "-Q"):
			if _, err := fmt.Sscanf(p, "%4d-Q%d", &y, &n); err != nil || n < 1 || n > 4 {
				return nil, nil, bad("period", "use 2026, 2026-Q3 or 2026-11")
			}
			start = time.Date(y, time.Month(3*n-2), 1, 0, 0, 0, 0, loc)
			end = start.AddDate(0, 3, 0)
		default:
			t, err := time.ParseInLocation("2006-01", p, loc)
			if err != nil {
				return nil, nil, bad("period", "use 2026, 2026-Q3 or 2026-11")
			}
			start, end = t, t.AddDate(0, 1, 0)
		}
		if !report.InRange(start) || !report.InRange(end.Add(-time.Nanosecond)) {
			return nil, nil, bad("period", "must lie within the years %d to %d", report.MinYear, report.MaxYear)
		}
		return &start, &end, nil
	}
	var f, t *time.Time
	for name, v := range map[string]string{"from": from, "to": to} {
		if v == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			if d, err = time.Parse(time.RFC3339, v); err != nil {
				return nil, nil, bad(name, "must be a date (2026-11-25) or an RFC 3339 time")
			}
		}
		if !report.InRange(d) {
			return nil, nil, bad(name, "must lie within the years %d to %d", report.MinYear, report.MaxYear)
		}
		if name == "from" {
			f = &d
		} else {
			t = &d
		}
	}
	return f, t, nil
}

// createRequest is a complaint a staff member records for an owner.
type createRequest struct {
	Actor string `json:"actor"`
	cases.NewCase
}

func (a *API) create(w http.ResponseWriter, r *http.Request) error {
	var req createRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	actor, err := a.act(r, req.Actor, record)
	if err != nil {
		return err
	}
	switch req.Channel {
	case cases.ChannelPhone, cases.ChannelWalkIn, cases.ChannelLetter, cases.ChannelEmail:
	case "":
		return bad("channel", "is required: phone, walk_in, letter or email")
	default:
		return bad("channel", "staff record phone, walk_in, letter or email complaints, not %q", req.Channel)
	}
	if strings.TrimSpace(req.CustomerName) == "" {
		return bad("customer_name", "is required")
	}
	for i, att := range req.Attachments {
		// "file:N" names a file heed stored from an owner's chat: only heed
		// attaches those, or a made-up case could read any owner's upload.
		if strings.HasPrefix(strings.TrimSpace(att.Ref), "file:") {
			return bad(fmt.Sprintf("attachments[%d].ref", i), "names a file heed stored; give the file's own address or id")
		}
	}
	c, err := a.svc.Create(r.Context(), actor, req.NewCase)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.Serial)
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) get(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.Get(r.Context(), r.PathValue("serial"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

type transitionRequest struct {
	Actor string `json:"actor"`
	cases.Transition
}

func (a *API) transition(w http.ResponseWriter, r *http.Request) error {
	var req transitionRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	actor, err := a.act(r, req.Actor, onCase)
	if err != nil {
		return err
	}
	if req.Action == "" {
		return bad("action", "is required")
	}
	c, err := a.svc.Apply(r.Context(), actor, r.PathValue("serial"), req.Transition)
	if err != nil {
		return forPerson(actor, err)
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

type linkRequest struct {
	Actor   string         `json:"actor"`
	Kind    cases.LinkKind `json:"kind"`
	Serials []string       `json:"serials"`
}

func (a *API) link(w http.ResponseWriter, r *http.Request) error {
	var req linkRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	actor, err := a.act(r, req.Actor, onCase)
	if err != nil {
		return err
	}
	c, err := a.svc.Link(r.Context(), actor, r.PathValue("serial"), req.Kind, req.Serials)
	if err != nil {
		return forPerson(actor, err)
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
