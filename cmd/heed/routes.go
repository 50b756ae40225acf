package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/caseapi"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
)

// server is heed's HTTP surface; every route is on this screen.
type server struct {
	mux     *http.ServeMux
	db      *sqlx.DB
	svc     *cases.Service
	log     *slog.Logger
	reg     *prometheus.Registry
	reqs    *prometheus.CounterVec
	misses  *prometheus.CounterVec
	sweepOK prometheus.Gauge
	engine  *conversation.Engine
	desk    *desk.Desk
	worker  *notify.Worker // nil in tests that build a bare server
	// quarterly: post the quarter's report to the specialists (off with
	// HEED_QUARTERLY_REPORT=off, e.g. in tests that watch the specialists' chat).
	quarterly bool
}

func newServer(cfg *config.Config, db *sqlx.DB, svc *cases.Service, p *parts, log *slog.Logger) *server {
	s := &server{mux: http.NewServeMux(), db: db, svc: svc, log: log, reg: prometheus.NewRegistry(), engine: p.engine,
		desk: p.desk, quarterly: p.quarterly, worker: p.worker}
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "heed_http_requests_total",
		Help: "HTTP requests by route and status code."}, []string{"route", "code"})
	s.misses = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "heed_deadlines_missed_total",
		Help: "Case deadlines recorded as missed, by step."}, []string{"step"})
	s.sweepOK = prometheus.NewGauge(prometheus.GaugeOpts{Name: "heed_clock_last_sweep_timestamp_seconds",
		Help: "When the deadline sweep last completed."})
	s.reg.MustRegister(s.reqs, s.misses, s.sweepOK,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.DB, "heed"),
		newCountCollector(db, "heed_cases", "Cases by status.",
			`SELECT status, count(*) FROM cases GROUP BY status`, "status"),
		newCountCollector(db, "heed_outbox_messages", "Outbound messages by channel and state (pending, sent, dead).",
			`SELECT channel, state, count(*) FROM outbox GROUP BY channel, state`, "channel", "state"))

	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n")) //nolint:errcheck
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	api := caseapi.New(svc, cfg.APIToken, log)
	api.Register(s.mux)
	// What team chat shows only the complaint desk, the API too (the integration may read it).
	deskOnly := func(what string) caseapi.Need {
		return caseapi.DeskRead(what + " is for the complaint desk: specialists, the quality representative and the general manager")
	}
	api.Handle(s.mux, "GET /api/v1/outbox/dead", api.Requiring(deskOnly("the dead-letter list"), func(w http.ResponseWriter, r *http.Request) error {
		dead, err := notify.DeadLetters(r.Context(), db, 200)
		if err != nil {
			return err
		}
		caseapi.WriteJSON(w, http.StatusOK, map[string]any{"dead": dead})
		return nil
	}))
	api.Handle(s.mux, "GET /api/v1/reports/{kind}", api.Requiring(deskOnly("the analysis"), reportHandler(db, cfg)))
	api.Handle(s.mux, "GET /api/v1/revisits/no-response", api.Requiring(deskOnly("the revisit call list"), func(w http.ResponseWriter, r *http.Request) error {
		list, err := p.engine.CallList(r.Context())
		if err != nil {
			return err
		}
		caseapi.WriteJSON(w, http.StatusOK, map[string]any{"call_list": list})
		return nil
	}))
	// Bulletins (公告) to communities' groups and to the owners of the cases they resolve.
	platformsOn := cfg.PlatformsOn()
	api.Handle(s.mux, "POST /api/v1/bulletins", func(w http.ResponseWriter, r *http.Request) error {
		var req struct {
			Actor       string   `json:"actor"`
			Key         string   `json:"key"`
			Title       string   `json:"title"`
			Body        string   `json:"body"`
			Communities []string `json:"communities"`
			Cases       []string `json:"cases"`
		}
		if err := caseapi.Decode(w, r, &req); err != nil {
			return err
		}
		actor, err := api.Act(r, req.Actor, caseapi.Oversee("bulletins are posted by complaint specialists, the quality representative or the general manager"))
		if err != nil {
			return err
		}
		id, err := s.desk.PostBulletin(r.Context(), desk.Bulletin{Key: req.Key, Title: req.Title, Body: req.Body,
			Communities: req.Communities, Cases: req.Cases, CreatedBy: actor.ID}, time.Now())
		if errors.Is(err, desk.ErrBulletinInvalid) {
			return &cases.Error{Code: cases.CodeInvalid, Field: "body", Message: err.Error()}
		}
		if err != nil {
			return err
		}
		caseapi.WriteJSON(w, http.StatusCreated, map[string]any{"id": id})
		return nil
	})
	api.Handle(s.mux, "GET /api/v1/bulletins/{id}", api.Requiring(deskOnly("a bulletin's progress"), func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return &cases.Error{Code: cases.CodeInvalid, Field: "id", Message: "id: not a number"}
		}
		p, err := s.desk.BulletinProgress(r.Context(), id)
		if errors.Is(err, desk.ErrBulletinNotFound) {
			return &cases.Error{Code: cases.CodeNotFound, Message: "no bulletin " + r.PathValue("id")}
		}
		if err != nil {
			return err
		}
		if p.Targets == nil {
			p.Targets = []desk.TargetState{} // a list in JSON, never null
		}
		caseapi.WriteJSON(w, http.StatusOK, p)
		return nil
	}))
	// Targets whose send was out when heed stopped are not resent by
	// themselves (they may have arrived): a person decides.
	api.Handle(s.mux, "POST /api/v1/bulletins/{id}/resend-uncertain", func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return &cases.Error{Code: cases.CodeInvalid, Field: "id", Message: "id: not a number"}
		}
		var req struct {
			Actor string `json:"actor"`
		}
		if err := caseapi.Decode(w, r, &req); err != nil {
			return err
		}
		if _, err := api.Act(r, req.Actor, caseapi.Oversee("bulletins are resent by complaint specialists, the quality representative or the general manager")); err != nil {
			return err
		}
		n, err := s.desk.ResendUncertain(r.Context(), id, time.Now())
		if errors.Is(err, notify.ErrNothingUncertain) {
			return &cases.Error{Code: cases.CodeNotFound, Message: "bulletin " + r.PathValue("id") + " has no target whose delivery is uncertain"}
		}
		if err != nil {
			return err
		}
		caseapi.WriteJSON(w, http.StatusOK, map[string]any{"resending": n})
		return nil
	})
	s.surveyRoutes(api, cfg, platformsOn) // satisfaction surveys (问卷): cmd/heed/surveys.go
	api.Handle(s.mux, "POST /api/v1/outbox/{id}/retry", api.Requiring(caseapi.Operate, func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return &cases.Error{Code: cases.CodeInvalid, Field: "id", Message: "id: not a number"}
		}
		if err := notify.Retry(r.Context(), db, id, time.Now()); errors.Is(err, notify.ErrNotDead) {
			return &cases.Error{Code: cases.CodeNotFound, Message: "no dead letter " + r.PathValue("id")}
		} else if err != nil {
			return err
		}
		caseapi.WriteJSON(w, http.StatusOK, map[string]any{"retrying": id})
		return nil
	}))
	p.web.Register(s.mux) // GET / is the owners' web chat
	if p.telegram != nil {
		s.mux.Handle("POST /webhooks/telegram", p.telegram)
	}
	if p.slack != nil {
		p.slack.Register(s.mux) // POST /webhooks/slack/{events,interactions,commands}
	}
	if p.wechat != nil {
		s.mux.Handle("GET /webhooks/wechat", p.wechat) // the server-verification handshake
		s.mux.Handle("POST /webhooks/wechat", p.wechat)
	}
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	s.mux.ServeHTTP(rec, r)
	_, pattern := s.mux.Handler(r)
	if pattern == "" {
		pattern = "unmatched"
	}
	s.reqs.WithLabelValues(pattern, strconv.Itoa(rec.code)).Inc()
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer
// (Flush, deadlines, Hijack) through the recorder.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// readyz is ready when the database answers and its schema is current; it
// answers JSON that says why not, and how many send outcomes wait for the
// database (they are recorded when it is back).
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	body := map[string]any{"ready": false}
	if s.worker != nil {
		body["unrecorded_outcomes"] = s.worker.Unrecorded()
	}
	cur, want, err := cases.SchemaStatus(ctx, s.db.DB)
	switch {
	case err != nil:
		body["reason"] = "database unreachable: " + err.Error()
	case cur < want:
		body["reason"] = fmt.Sprintf("database schema is at version %d, this heed needs %d: run heed migrate", cur, want)
	default:
		body["ready"] = true
		caseapi.WriteJSON(w, http.StatusOK, body)
		return
	}
	caseapi.WriteJSON(w, http.StatusServiceUnavailable, body)
}

// runClock sweeps deadlines periodically: misses are recorded once even with
// several heed serve on one database, and month-old cases become major.
func (s *server) runClock(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		misses, err := s.svc.Sweep(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("deadline sweep", "err", err)
		}
		for _, m := range misses {
			s.misses.WithLabelValues(string(m.Step)).Inc()
			s.log.Info("deadline missed", "case", m.Serial, "step", m.Step, "due", m.Due)
		}
		if err == nil {
			s.sweepOK.SetToCurrentTime()
		}
		if err := s.engine.SweepRevisits(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("revisit sweep", "err", err)
		}
		if closed, reminded, err := s.svc.SweepPaths(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("closing and developer sweep", "err", err)
		} else if closed+reminded > 0 {
			s.log.Info("closing and developer sweep", "closed", closed, "developer_reminders", reminded)
		}
		if err := s.engine.SweepEmergencies(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("emergency sweep", "err", err)
		}
		s.sweepSurveys(ctx) // close surveys whose time is up, post their summaries
		if s.quarterly {
			if _, err := s.desk.PostQuarterlyReport(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("quarterly report", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// countCollector reports row counts grouped by the query's label columns,
// read at scrape time: cases by status, outbox rows by channel and state
// (dead letters are a number an operator should watch).
type countCollector struct {
	db    *sqlx.DB
	desc  *prometheus.Desc
	query string // SELECT <labels…>, count(*) … GROUP BY …
}

func newCountCollector(db *sqlx.DB, name, help, query string, labels ...string) countCollector {
	return countCollector{db: db, desc: prometheus.NewDesc(name, help, labels, nil), query: query}
}

func (c countCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c countCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := c.db.QueryContext(ctx, c.query)
	if err != nil {
		return
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		labels := make([]string, len(cols)-1)
		var n float64
		for i := range labels {
			vals[i] = &labels[i]
		}
		vals[len(cols)-1] = &n
		if rows.Scan(vals...) == nil {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, n, labels...)
		}
	}
}
