// Package console is the complaint desk in a browser, served by heed serve
// under /desk/: the people configured in heed (specialists, department
// managers and handlers, the general manager, the quality representative)
// sign in with a link heed sends to their own Slack DM or Telegram chat,
// and work at a screen — the register (登记簿), the deadline board
// (时限看板), and the screens built on this foundation.
//
// Pages are rendered on the server (html/template, every value escaped),
// their CSS and script embedded; each works without the script, on a phone
// and by keyboard, in zh-CN, zh-TW and en.
//
// # How a page is added
//
//  1. templates/NAME.html defines "title" and "main" (and any fragment the
//     page refreshes by itself); texts come from the one table in texts.go
//     through {{.T "key"}}; a form that posts carries {{.CSRFField}}.
//  2. The handler is a handlerFunc: it reads the signed-in person with
//     PersonOf(r) (who, their role and department, their session), acts as
//     them through notify/desk — c.desk.ActAs / FormAs / Actions / RecordAs
//     with PersonOf(r).AtDesk(), the same rules as the chat buttons and the
//     API — or reads package cases, and ends with
//     c.render(w, r, http.StatusOK, "NAME", data): data is the template's
//     .Data. A returned error is answered once, in the layout: a
//     *cases.Error by its code (400, 403, 404, 409), anything else as 500
//     and logged. Person.Phone(c) is the owner's phone as they may see it.
//  3. One line in Register (routes.go): c.page(mux, "GET /desk/…", c.handler)
//     for signed-in people; POST routes the same way — the one CSRF check
//     runs in serve before any handler (a script's fetch sends the page's
//     <meta name="csrf-token"> as X-CSRF-Token); navItems lists the page in
//     the menu. A part a page refreshes by itself is a template of its own
//     drawn by c.renderPart, fetched with the X-Desk-Fragment header (401,
//     not a redirect, once signed out).
//  4. A part that shows a case follows it live: the element that holds it
//     carries data-live="case:{{serial}}" and data-live-src="/desk/…" (the
//     route of its fragment); when the case changes — in the console, in
//     Slack or Telegram, through the API, by the deadline sweep — the
//     page's script (static/desk.js, its live part) fetches data-live-src
//     again with X-Desk-Fragment, puts the answer in the element and fires
//     "desk:live" on it. data-live="board" follows every case (the
//     deadline board). Add data-every="SECONDS" for the part to be polled
//     when the browser cannot stay connected (and at least once a minute
//     anyway, for what the clock alone changes), data-signed-out="{{.T …}}"
//     for what it shows once signed out. A part is not replaced while a
//     field in it has the focus: keep forms that are being filled in
//     outside live parts, or accept that they are refreshed when left.
//     Nothing more to do on the server: a committed change of a case's row
//     or a new event in its history is announced by the database
//     (migration 00170, cases.Feed) and streamed by GET /desk/events
//     (live.go) with only the serial; what the fragment then shows is what
//     its own handler lets the person see.
//
// # Reply templates in a form
//
// A form whose text is the answer to the owner, an invalid explanation or
// measures offers the company's reply templates (notify/desk: the desk
// action's desk.TemplateKindOf, desk.Desk.Templates(ctx, kind, category)
// best for the category first; desk.FormAs fills desk.Input.Templates the
// same way). Next to the text box put
//
//	{{template "template-picker" ($.Picker "reply-text" .Templates)}}
//
// where "reply-text" is the textarea's id: a <select
// data-template-for="reply-text"> whose choice desk.js inserts into the
// box at its cursor, to edit before sending (hidden without the script;
// nothing is drawn when there are no templates). The templates page
// (/desk/templates) is where the specialists and the general manager write
// them; the revisit worklist and its call forms are /desk/revisits.
package console

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/bots/internal/assets"
	"github.com/heedhq/heed/bots/web"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/sqlset"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify/desk"
)

//go:embed queries.sql
var queriesSQL string

// q holds the desk's statements (queries.sql).
var q struct {
	Lock           string `sql:"lock"`
	PruneRequests  string `sql:"prune-requests"`
	PruneLinks     string `sql:"prune-links"`
	CountRequests  string `sql:"count-requests"`
	RecordRequest  string `sql:"record-request"`
	CountLinks     string `sql:"count-links"`
	InsertLink     string `sql:"insert-link"`
	LinkUsable     string `sql:"link-usable"`
	UseLink        string `sql:"use-link"`
	InsertSession  string `sql:"insert-session"`
	Session        string `sql:"session"`
	TouchSession   string `sql:"touch-session"`
	RevokeSession  string `sql:"revoke-session"`
	RevokeSessions string `sql:"revoke-sessions"`
	Sessions       string `sql:"sessions"`
}

var loadQueries = sync.OnceValue(func() error { return sqlset.Load(&q, "console", queriesSQL) })

// Console is the desk in a browser: its routes, templates and sessions.
type Console struct {
	svc *cases.Service
	// desk is what staff do, whatever the surface (notify/desk): a page
	// that acts calls it as PersonOf(r).AtDesk(), under the same rules as
	// the chat buttons and the API.
	desk  *desk.Desk
	cfg   *config.Config
	db    *sqlx.DB
	log   *slog.Logger
	now   func() time.Time
	pages map[string]*template.Template
	// key signs the CSRF tokens; shared by every heed serve (heed_settings).
	key []byte
	// net: the trusted proxies that name the client's address, and whether
	// cookies are Secure (heed's public URL is https).
	net web.Limits
	// platforms that deliver sign-in links: "slack", "telegram".
	platforms                    map[string]bool
	linkTTL, sessionTTL, idleTTL time.Duration
	boardRefresh                 time.Duration
	static                       assets.Set
	// live updates: the case feed the pages follow (live.go).
	live live

	// surveys: the conversation engine's satisfaction surveys (SetSurveys;
	// nil: the survey pages say surveys are off).
	surveys Surveys
}

// New makes the console for the company svc serves, acting through d (the
// assembly's notify/desk). Its CSRF key is made once and shared by every
// heed serve through the database.
func New(ctx context.Context, svc *cases.Service, d *desk.Desk, log *slog.Logger) (*Console, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	secret, err := svc.Setting(ctx, "desk_csrf_key", func() string {
		var b [32]byte
		rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read does not fail
		return hex.EncodeToString(b[:])
	})
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(secret)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("desk: the CSRF key in heed_settings is not 32 bytes of hex")
	}
	cfg := svc.Config()
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Console{
		svc: svc, desk: d, cfg: cfg, db: svc.DB(), log: log, now: svc.Now, pages: pages, key: key,
		net:       web.LimitsFrom(cfg),
		platforms: map[string]bool{"slack": cfg.Slack.Enabled(), "telegram": cfg.Telegram.Enabled()},
		linkTTL:   cfg.Desk.LinkLifetime(), sessionTTL: cfg.Desk.SessionLifetime(), idleTTL: cfg.Desk.IdleLifetime(),
		static: assets.Load(staticFS, "static"), boardRefresh: boardRefresh,
	}, nil
}
