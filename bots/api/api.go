// Package api is heed's JSON API under /api/v1/, in one place: every route,
// who may call it (authz.go), how its input is read and refused (input.go)
// and how an error becomes an HTTP status (fail). The endpoints: cases —
// list, read one by serial with its history and deadlines, record a
// complaint on an owner's behalf, act on a case as a staff member, link
// cases (cases.go); what team chat shows only the complaint desk — the
// analysis and the register (reports.go), the revisit call list, dead
// letters (desk.go); bulletins (bulletins.go); satisfaction surveys
// (surveys.go); and the person tokens it authenticates (tokens.go).
//
// It lives under bots, not cases: like the chat platforms it is a surface
// through which people act, and it calls the conversation engine (surveys,
// the call list) and notify (bulletins, the outbox), which sit above cases
// in heed's layers (cmd → bots → conversation → notify → cases).
package api

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"github.com/heedhq/heed/notify/desk"
	"log/slog"
	"net/http"
	"strings"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// maxBody bounds a request body; complaint texts are limited far below it.
const maxBody = 1 << 20

// maxPage bounds page and per_page: beyond it the list's offset would
// overflow, and no register is that long.
const maxPage = 1_000_000

// Engine is what the API asks of the conversation engine: the revisit call
// list and the satisfaction surveys.
type Engine interface {
	CallList(ctx context.Context) ([]conversation.NoResponse, error)
	StartSurvey(ctx context.Context, req conversation.SurveyStart) (*conversation.SurveyStarted, error)
	SurveyRuns(ctx context.Context, limit int) ([]conversation.SurveyRun, error)
	SurveySummary(ctx context.Context, id int64) (*conversation.SurveySummary, error)
	CloseSurvey(ctx context.Context, id int64, post conversation.PostSummary) (*conversation.SurveySummary, bool, error)
}

// API serves /api/v1/.
type API struct {
	svc   *cases.Service
	eng   Engine
	desk  *desk.Desk // bulletins; a survey's summary to the specialists' chats
	token string
	log   *slog.Logger
}

// New makes the API. token is the integration token (HEED_API_TOKEN; ""
// for none); person tokens are read from the service's database.
// d posts bulletins and addresses a survey's summary to the specialists'
// chats.
// It fails when the API's own statements (queries.sql) do not load.
func New(svc *cases.Service, eng Engine, d *desk.Desk, token string, log *slog.Logger) (*API, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	return &API{svc: svc, eng: eng, desk: d, token: token, log: log}, nil
}

// Register adds every route of the API to mux, each behind the API's
// token; what a route asks of its caller beyond that is named here.
func (a *API) Register(mux *http.ServeMux) {
	route := func(pattern string, h handler) { mux.Handle(pattern, a.auth(h)) }
	// Cases: the lifecycle's own rules decide each step (cases.go).
	route("GET /api/v1/cases", a.list)
	route("POST /api/v1/cases", a.create)
	route("GET /api/v1/cases/{serial}", a.get)
	route("POST /api/v1/cases/{serial}/transitions", a.transition)
	route("POST /api/v1/cases/{serial}/links", a.link)
	// What team chat shows only the complaint desk (reports.go, desk.go).
	route("GET /api/v1/reports/{kind}", a.requiring(deskRead("the analysis"), a.report))
	route("GET /api/v1/revisits/no-response", a.requiring(deskRead("the revisit call list"), a.callList))
	route("GET /api/v1/outbox/dead", a.requiring(deskRead("the dead-letter list"), a.deadLetters))
	route("POST /api/v1/outbox/{id}/retry", a.requiring(operate, a.retry))
	// Bulletins (公告) to communities' groups and to the owners of the
	// cases they resolve (bulletins.go); posting checks its actor itself.
	route("POST /api/v1/bulletins", a.postBulletin)
	route("GET /api/v1/bulletins/{id}", a.requiring(deskRead("a bulletin's progress"), a.bulletin))
	route("POST /api/v1/bulletins/{id}/resend-uncertain", a.resendUncertain)
	// Satisfaction surveys (问卷, surveys.go).
	route("POST /api/v1/surveys", a.startSurvey)
	route("GET /api/v1/surveys", a.requiring(surveyRead, a.surveys))
	route("GET /api/v1/surveys/{id}", a.requiring(surveyRead, a.survey))
	route("POST /api/v1/surveys/{id}/close", a.closeSurvey)
	route("POST /api/v1/surveys/{id}/publish", a.publishSurvey)
	route("/api/v1/", func(w http.ResponseWriter, r *http.Request) error {
		return &cases.Error{Code: cases.CodeNotFound, Message: "no such endpoint: " + r.Method + " " + r.URL.Path}
	})
}

// handler is an API endpoint: it writes its answer, or returns an error
// (a *cases.Error for the client's mistakes) that the API turns into JSON.
type handler func(http.ResponseWriter, *http.Request) error

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

// WriteJSON answers with v as JSON, as the API does (heed's /readyz too).
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }
