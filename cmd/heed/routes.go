package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/heedhq/heed/bots/api"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
)

// server is heed's HTTP surface, mounted on this screen: health, metrics,
// the JSON API (whose routes bots/api lists), the web chat, the webhooks.
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
	feed    *cases.Feed    // the cases changed, for the desk's live pages
	// quarterly: post the quarter's report to the specialists (off with
	// HEED_QUARTERLY_REPORT=off, e.g. in tests that watch the specialists' chat).
	quarterly bool
}

func newServer(cfg *config.Config, db *sqlx.DB, svc *cases.Service, p *parts, log *slog.Logger) (*server, error) {
	s := &server{mux: http.NewServeMux(), db: db, svc: svc, log: log, reg: prometheus.NewRegistry(), engine: p.engine,
		desk: p.desk, quarterly: p.quarterly, worker: p.worker, feed: p.feed}
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "heed_http_requests_total",
		Help: "HTTP requests by route and status code."}, []string{"route", "code"})
	s.misses = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "heed_deadlines_missed_total",
		Help: "Case deadlines recorded as missed, by step."}, []string{"step"})
	s.sweepOK = prometheus.NewGauge(prometheus.GaugeOpts{Name: "heed_clock_last_sweep_timestamp_seconds",
		Help: "When the deadline sweep last completed."})
	s.reg.MustRegister(s.reqs, s.misses, s.sweepOK,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.DB, "heed"),
		newCountCollector("heed_cases", "Cases by status.", []string{"status"}, func(ctx context.Context, emit emitCount) error {
			counts, err := svc.CountByStatus(ctx)
			for st, n := range counts {
				emit(float64(n), string(st))
			}
			return err
		}),
		newCountCollector("heed_outbox_messages", "Outbound messages by channel and state (pending, sent, dead).",
			[]string{"channel", "state"}, func(ctx context.Context, emit emitCount) error {
				counts, err := notify.OutboxCounts(ctx, db)
				for _, c := range counts {
					emit(float64(c.Count), c.Channel, c.State)
				}
				return err
			}))

	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n")) //nolint:errcheck
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	// The JSON API under /api/v1/: its routes, who may call each and how
	// errors answer are all in bots/api.
	a, err := api.New(svc, p.engine, p.desk, cfg.APIToken, log)
	if err != nil {
		return nil, err
	}
	a.Register(s.mux)
	s.mountConsole()      // /desk/: the complaint desk in a browser (cmd/heed/console.go)
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
	return s, nil
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
		api.WriteJSON(w, http.StatusOK, body)
		return
	}
	api.WriteJSON(w, http.StatusServiceUnavailable, body)
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
		// Surveys whose time is up are closed and their summaries posted
		// to the specialists' chats, once whatever the number of heed serve.
		closed, err := s.engine.SweepSurveys(ctx, s.desk.ToSpecialists)
		if err != nil && ctx.Err() == nil {
			s.log.Error("survey sweep", "err", err)
		}
		for _, id := range closed {
			s.log.Info("survey closed", "run", id)
		}
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

// countCollector reports counts by their labels, read at scrape time: cases
// by status, outbox rows by channel and state (dead letters are a number an
// operator should watch).
type countCollector struct {
	desc  *prometheus.Desc
	count func(ctx context.Context, emit emitCount) error
}

// emitCount reports one count with its label values.
type emitCount func(n float64, labels ...string)

func newCountCollector(name, help string, labels []string, count func(ctx context.Context, emit emitCount) error) countCollector {
	return countCollector{desc: prometheus.NewDesc(name, help, labels, nil), count: count}
}

func (c countCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect reports what the count read; a failed read reports nothing.
func (c countCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = c.count(ctx, func(n float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, n, labels...)
	})
}
