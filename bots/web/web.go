// Package web is heed's own web chat: the page an owner opens at / to
// complain, and the small JSON API behind it. It is a channel like Telegram
// or WeChat, except that heed is also the platform: a signed cookie is the
// owner's identity, and the page polls for answers instead of being pushed.
//
// Every message the page sends carries an id the page made up; a retry sends
// the same id, and the engine's dedupe on MessageID turns it into a no-op, so
// a send is acknowledged only once it is durable and never handled twice.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/heedhq/heed/bots/internal/assets"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// Engine is the conversation engine as the web chat uses it (the real one is
// conversation.Engine).
type Engine interface {
	// Handle records and answers one inbound message; it has committed when it
	// returns, so the answer to the page means the message is durable.
	Handle(ctx context.Context, in conversation.Inbound) (conversation.Result, error)
	// Transcript returns the conversation's lines with ID > after, oldest
	// first: the owner's messages and heed's answers (with Choices).
	Transcript(ctx context.Context, channel cases.Channel, chatID string, after int64) ([]conversation.Line, error)
}

// Files keeps the photos owners upload (cases.Service is one).
type Files interface {
	SaveFile(ctx context.Context, name, mime string, data []byte) (cases.Attachment, error)
}

const (
	// maxMessageBody bounds a JSON message: a long complaint in Chinese is a
	// few KB; 64 KB leaves room for 10,000 characters of any script.
	maxMessageBody = 64 << 10
	// maxPhotoBody is one photo (cases.MaxFileBytes) plus the multipart
	// framing, the caption and the id.
	maxPhotoBody = cases.MaxFileBytes + maxMessageBody
	maxCaption   = 16 << 10
	maxButton    = 64 // conversation.Choice.Data's limit
)

//go:embed static
var static embed.FS

// Handler serves the chat page, its assets and its API.
type Handler struct {
	eng    Engine
	files  Files
	secret []byte
	log    *slog.Logger
	csrf   *http.CrossOriginProtection
	assets assets.Set
	now    func() time.Time

	// limits (limits.go); Configure sets them, New leaves them off.
	limits            Limits
	uploads           Uploads
	perSession, perIP *keyedLimiter
}

// New makes the web chat. secret signs the session cookies and must be at
// least 32 bytes: New panics otherwise, as a shorter one is a wiring mistake
// that config validation should have caught, not something to run with. So
// is a statement missing from queries.sql: New panics on that too, at start.
func New(eng Engine, files Files, secret []byte, log *slog.Logger) *Handler {
	if len(secret) < minSecret {
		panic(fmt.Sprintf("web.New: the session secret is %d bytes; at least %d are needed", len(secret), minSecret))
	}
	if err := loadQueries(); err != nil {
		panic("web.New: " + err.Error())
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{
		eng: eng, files: files, secret: append([]byte(nil), secret...), log: log,
		csrf:   http.NewCrossOriginProtection(),
		assets: loadAssets(),
		now:    time.Now,
	}
}

// Register adds the web chat's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", h.page)
	mux.HandleFunc("GET /chat/static/{name}", h.static)
	mux.Handle("POST /chat/api/messages", h.api(h.postMessage))
	mux.Handle("POST /chat/api/photos", h.api(h.postPhoto))
	mux.Handle("GET /chat/api/messages", h.api(h.getMessages))
	mux.HandleFunc("/chat/api/", h.noEndpoint)
}

// page serves the chat page, starting a session when the owner has none (or
// a cookie that does not verify) and refreshing the cookie's lifetime.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	session, ok := h.session(r)
	if !ok {
		session = newSessionID()
	}
	h.setCookie(w, r, session)
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "+
		"img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("Cache-Control", "no-store")
	h.serveAsset(w, r, "index.html")
}

func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if name == "index.html" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache") // revalidated by ETag: a new build shows at once
	h.serveAsset(w, r, name)
}

// apiFunc is one API endpoint for the owner of a verified session.
type apiFunc func(w http.ResponseWriter, r *http.Request, session string) error

func (h *Handler) api(f apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if err := h.csrf.Check(r); err != nil {
			writeError(w, http.StatusForbidden, "forbidden", "cross-origin requests are not allowed")
			return
		}
		session, ok := h.session(r)
		if !ok {
			writeError(w, http.StatusUnauthorized, "unauthorized", "no valid chat session: open the chat page first")
			return
		}
		if r.Method == http.MethodPost {
			if e := h.limited(r, session); e != nil {
				h.fail(w, r, e)
				return
			}
		}
		if err := f(w, r, session); err != nil {
			h.fail(w, r, err)
		}
	})
}

// noEndpoint answers API paths and methods that do not exist in JSON, so the
// page never has to parse a plain-text error.
func (h *Handler) noEndpoint(w http.ResponseWriter, r *http.Request) {
	allow := map[string]string{"/chat/api/messages": "GET, HEAD, POST", "/chat/api/photos": "POST"}[r.URL.Path]
	if allow == "" {
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+r.URL.Path)
		return
	}
	w.Header().Set("Allow", allow)
	writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here; use "+allow)
}

// apiError is a client mistake with the status and words to tell it.
type apiError struct {
	status     int
	code       string
	message    string
	retryAfter string // seconds, for 429
}

func (e *apiError) Error() string { return e.message }

func badRequest(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "invalid", message: fmt.Sprintf(format, args...)}
}

func tooLarge(format string, args ...any) *apiError {
	return &apiError{status: http.StatusRequestEntityTooLarge, code: "too_large", message: fmt.Sprintf(format, args...)}
}

// fail maps an error to its answer once, at the edge. Internal errors are
// logged with the request's shape only: never the owner's words.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var ce *cases.Error
	switch {
	case errors.As(err, &ae):
		if ae.retryAfter != "" {
			w.Header().Set("Retry-After", ae.retryAfter)
		}
		writeError(w, ae.status, ae.code, ae.message)
	case errors.As(err, &ce) && ce.Code == cases.CodeInvalid:
		writeError(w, http.StatusBadRequest, string(ce.Code), ce.Message)
	default:
		h.log.Error("web chat", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "something went wrong on our side; please try again")
	}
}

// parseAfter reads the page's "after", the id of the newest line it shows;
// "" means the page did not say.
func parseAfter(s string) (after int64, given bool, err error) {
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, false, badRequest("after: want the id of the newest line shown (an integer ≥ 0), got %q", truncate(s, 32))
	}
	return n, true, nil
}

// readAll reads r up to limit bytes, telling a too-large body apart.
func readAll(r io.Reader, limit int64) ([]byte, bool, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	return data, int64(len(data)) > limit, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
