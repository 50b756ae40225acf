// Package caseapi is the JSON API on the case core, under /api/v1/: list
// cases, read one by serial with its history and deadlines, record a
// complaint on an owner's behalf, and act on a case as a staff member.
package caseapi

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/report"
)

// maxBody bounds a request body; complaint texts are limited far below it.
const maxBody = 1 << 20

// maxPage bounds page and per_page: beyond it the list's offset would
// overflow, and no register is that long.
const maxPage = 1_000_000

// API serves the case endpoints.
type API struct {
	svc   *cases.Service
	token string
	log   *slog.Logger
}

// New makes the API. token is the integration token (HEED_API_TOKEN; ""
// for none); person tokens are read from the service's database.
func New(svc *cases.Service, token string, log *slog.Logger) *API {
	return &API{svc: svc, token: token, log: log}
}

// Register adds the routes to mux.
func (a *API) Register(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/cases", a.auth(a.list))
	mux.Handle("POST /api/v1/cases", a.auth(a.create))
	mux.Handle("GET /api/v1/cases/{serial}", a.auth(a.get))
	mux.Handle("POST /api/v1/cases/{serial}/transitions", a.auth(a.transition))
	mux.Handle("POST /api/v1/cases/{serial}/links", a.auth(a.link))
	mux.Handle("/api/v1/", a.auth(func(w http.ResponseWriter, r *http.Request) error {
		return &cases.Error{Code: cases.CodeNotFound, Message: "no such endpoint: " + r.Method + " " + r.URL.Path}
	}))
}

// Handler is an API endpoint: it writes its answer, or returns an error
// (a *cases.Error for the client's mistakes) that the API turns into JSON.
type Handler func(http.ResponseWriter, *http.Request) error

type handler = Handler

// Handle adds another endpoint behind the API's token (the outbox's dead
// letters live in notify, not here).
func (a *API) Handle(mux *http.ServeMux, pattern string, h Handler) { mux.Handle(pattern, a.auth(h)) }

// Decode reads a JSON request body the way the API does: unknown fields,
// trailing data and oversized bodies are refused with a message.
func Decode(w http.ResponseWriter, r *http.Request, v any) error { return decode(w, r, v) }

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

// auth finds the caller's token: the integration token (compared in
// constant time) or a person's (by hash, from the database on every
// request, so revocation and expiry hold at once on every replica). A
// read-only token may only read.
func (a *API) auth(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		got = strings.TrimSpace(got)
		refuse := func(msg string) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="heed"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", msg, "")
		}
		var p Principal
		switch {
		case !ok || got == "":
			refuse("missing bearer token")
			return
		case a.token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(a.token)) == 1:
			p = Principal{Token: IntegrationToken}
		default:
			t, err := lookupToken(r.Context(), a.svc.DB(), got)
			switch {
			case err != nil:
				a.fail(w, r, err)
				return
			case t == nil:
				refuse("wrong bearer token")
				return
			case t.RevokedAt != nil:
				refuse("this token was revoked")
				return
			case t.ExpiresAt != nil && !a.svc.Now().Before(*t.ExpiresAt):
				refuse("this token expired")
				return
			}
			if _, ok := a.svc.Config().StaffByID(t.Person); !ok {
				refuse("this token's person is no longer on the staff")
				return
			}
			p = Principal{Token: t.Name, Person: t.Person, ReadOnly: t.ReadOnly}
		}
		if err := cleanURL(r); err != nil {
			a.fail(w, r, err)
			return
		}
		if p.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeError(w, http.StatusForbidden, string(cases.CodeForbidden), "this token is read-only: it may only read (GET)", "")
			return
		}
		if err := h(w, r.WithContext(withPrincipal(r.Context(), p))); err != nil {
			a.fail(w, r, err)
		}
	})
}

// fail maps a domain error to its HTTP status once, at the edge.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *cases.Error
	if !errors.As(err, &e) {
		a.log.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error; it has been logged", "")
		return
	}
	status := map[cases.Code]int{
		cases.CodeInvalid: http.StatusBadRequest, cases.CodeNotFound: http.StatusNotFound,
		cases.CodeConflict: http.StatusConflict, cases.CodeForbidden: http.StatusForbidden,
	}[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if e.Field == "body" && strings.Contains(e.Message, "too large") {
		status = http.StatusRequestEntityTooLarge
	}
	writeError(w, status, string(e.Code), e.Message, e.Field, e.Details)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string, details ...map[string]string) {
	body := map[string]any{"code": code, "message": msg}
	if field != "" {
		body["field"] = field
	}
	if len(details) > 0 && len(details[0]) > 0 {
		body["details"] = details[0]
	}
	writeJSON(w, status, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) //nolint:errcheck // the client went away
}

func bad(field, format string, args ...any) *cases.Error {
	return &cases.Error{Code: cases.CodeInvalid, Field: field, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// decode reads one JSON object into v, refusing unknown fields, trailing
// data and bodies over maxBody, with a message that says what is wrong.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var big *http.MaxBytesError
	switch {
	case err == nil:
	case errors.As(err, &big):
		return bad("body", "too large: at most %d bytes", maxBody)
	case errors.Is(err, io.EOF):
		return bad("body", "empty: a JSON object is required")
	case errors.As(err, &syn):
		return bad("body", "malformed JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ):
		return bad(jsonPath(typ.Field), "must be %s, not %s", typ.Type, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return bad(f, "unknown field")
	default:
		return bad("body", "malformed JSON: %v", err)
	}
	if dec.More() {
		return bad("body", "trailing data after the JSON object")
	}
	if f := nulField(reflect.ValueOf(v), ""); f != "" {
		return bad(f, "contains a NUL character (\\u0000)")
	}
	return nil
}

// cleanURL refuses a path or query that PostgreSQL could not store or
// compare: invalid UTF-8 or NUL characters.
func cleanURL(r *http.Request) error {
	ok := func(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
	if !ok(r.URL.Path) {
		return bad("path", "must be UTF-8 text without NUL characters")
	}
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			if !ok(k) || !ok(v) {
				return bad(strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "?"), "must be UTF-8 text without NUL characters")
			}
		}
	}
	return nil
}

// nulField is the JSON path of the first string in v holding a NUL
// character (which JSON allows as \u0000 and PostgreSQL text refuses), or "".
func nulField(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return nulField(v.Elem(), path)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			return jsonPath(path)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if f := nulField(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); f != "" {
				return f
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if f := nulField(it.Value(), path+"."+fmt.Sprint(it.Key())); f != "" {
				return f
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "" || sf.Anonymous {
				name = sf.Name // embedded: jsonPath drops Go names
			}
			if f := nulField(v.Field(i), path+"."+name); f != "" {
				return f
			}
		}
	}
	return ""
}

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
	actor, err := a.Act(r, req.Actor, Record)
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
	actor, err := a.Act(r, req.Actor, OnCase)
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
	actor, err := a.Act(r, req.Actor, OnCase)
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

// jsonPath drops the Go names of embedded structs from a decoder's field
// path ("NewCase.complainants" → "complainants").
func jsonPath(p string) string {
	var keep []string
	for _, part := range strings.Split(p, ".") {
		if part != "" && (part[0] < 'A' || part[0] > 'Z') {
			keep = append(keep, part)
		}
	}
	if len(keep) == 0 {
		return "body"
	}
	return strings.Join(keep, ".")
}
