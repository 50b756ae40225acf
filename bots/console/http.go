package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
)

// handlerFunc is a desk route: it writes its answer, or returns the error
// serve answers in its place.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Cookie names; every desk cookie has Path /desk/, so the owners' web chat
// and the API never see them.
const (
	sessionCookie = "heed_desk"
	anonCookie    = "heed_desk_anon" // binds a visitor's CSRF token before sign-in
	langCookie    = "heed_desk_lang"
	cookiePath    = "/desk/"
	maxForm       = 64 << 10
)

// request is what serve learns of a request before its handler runs.
type request struct {
	lang   Lang
	bind   string  // what the CSRF token is bound to: the session cookie, else the visitor's
	person *Person // the signed-in person, on page routes
}

type requestKey struct{}

func state(r *http.Request) *request {
	if s, ok := r.Context().Value(requestKey{}).(*request); ok {
		return s
	}
	return &request{lang: ZhCN}
}

// PersonOf is the signed-in person of a page route's request (nil on the
// open routes).
func PersonOf(r *http.Request) *Person { return state(r).person }

// open adds a route anyone may reach.
func (c *Console) open(mux *http.ServeMux, pattern string, h handlerFunc) {
	mux.Handle(pattern, c.serve(h))
}

// page adds a route for signed-in people only.
func (c *Console) page(mux *http.ServeMux, pattern string, h handlerFunc) {
	mux.Handle(pattern, c.serve(c.signedIn(h)))
}

// crossOrigin refuses requests a browser marks as coming from another site
// (Sec-Fetch-Site, Origin), in front of the token check.
var crossOrigin = http.NewCrossOriginProtection()

// serve is the one way into the desk: security headers, the language, the
// CSRF check of every request that may change something, the handler,
// and its error answered once.
func (c *Console) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("X-Frame-Options", "DENY")
		// A sign-in link's token is in its path: no page sends it on.
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("Cache-Control", "no-store")
		st := &request{lang: c.language(w, r), bind: c.binding(w, r)}
		r = r.WithContext(context.WithValue(r.Context(), requestKey{}, st))
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if !c.csrfOK(r) {
				c.fail(w, r, errCSRF)
				return
			}
		}
		if err := h(w, r); err != nil {
			c.fail(w, r, err)
		}
	})
}

// errCSRF is a form without its token, with a stale one, or from another site.
var errCSRF = &cases.Error{Code: cases.CodeForbidden, Field: "csrf", Message: "csrf"}

// binding is what this browser's CSRF token is bound to: its session
// cookie when it has one, else a visitor cookie (made now if missing, so a
// sign-in form can be posted before there is a session).
func (c *Console) binding(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		sum := sha256.Sum256([]byte(ck.Value))
		return "session:" + base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if ck, err := r.Cookie(anonCookie); err == nil && len(ck.Value) >= 22 {
		return "visitor:" + ck.Value
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "" // a POST with no cookie at all has no token to match
	}
	v := randomToken(16)
	c.setCookie(w, r, anonCookie, v, 0)
	return "visitor:" + v
}

// csrfToken is the token a form of this request carries.
func (c *Console) csrfToken(r *http.Request) string {
	bind := state(r).bind
	if bind == "" {
		return ""
	}
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("heed desk csrf v1\x00" + bind))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfOK is the one CSRF check: the browser says the request is not from
// another site, and the form (or the X-CSRF-Token header of a script's
// request) carries the token of this browser's session or visitor cookie.
func (c *Console) csrfOK(r *http.Request) bool {
	if crossOrigin.Check(r) != nil {
		return false
	}
	want := c.csrfToken(r)
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// setCookie sets a desk cookie: HttpOnly, SameSite=Lax, Secure over TLS
// or when heed's public URL is https (behind a TLS proxy the request is
// plain http). maxAge 0 is a browser-session cookie, < 0 deletes it.
func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	ck := &http.Cookie{Name: name, Value: value, Path: cookiePath, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || c.net.Secure}
	switch {
	case maxAge < 0:
		ck.MaxAge, ck.Value = -1, ""
	case maxAge > 0:
		ck.MaxAge = int(maxAge / time.Second)
		ck.Expires = c.now().Add(maxAge)
	}
	http.SetCookie(w, ck)
}

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read does not fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// fail answers an error in the layout, once: a domain error by its code,
// anything else as 500, logged without the request's content.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *cases.Error
	status, key := http.StatusInternalServerError, "error.internal"
	detail := ""
	switch {
	case errors.Is(err, errCSRF):
		status, key = http.StatusForbidden, "error.csrf"
	case errors.As(err, &e):
		switch e.Code {
		case cases.CodeInvalid:
			status, key, detail = http.StatusBadRequest, "error.invalid", e.Message
		case cases.CodeForbidden:
			status, key, detail = http.StatusForbidden, "error.forbidden", e.Message
		case cases.CodeNotFound:
			status, key = http.StatusNotFound, "error.notfound"
		case cases.CodeConflict:
			status, key, detail = http.StatusConflict, "error.conflict", e.Message
		}
	case errors.Is(err, context.Canceled):
		return // the browser went away
	}
	if status == http.StatusInternalServerError {
		c.log.Error("desk", "route", r.Pattern, "err", err)
	}
	if fragment(r) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		return
	}
	c.render(w, r, status, "error", errorPage{Key: key, Detail: detail})
}

// errorPage is what the error template shows.
type errorPage struct{ Key, Detail string }

// notFound answers a /desk/ path no route has.
func (c *Console) notFound(w http.ResponseWriter, r *http.Request) error {
	return &cases.Error{Code: cases.CodeNotFound, Message: "no such page"}
}

// fragment says the request is a script's, for a part of a page: it is
// answered with a status, never redirected to the sign-in page.
func fragment(r *http.Request) bool { return r.Header.Get("X-Desk-Fragment") != "" }

// safeNext is where to go after signing in: a desk path of this site, or
// the register.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/desk/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, "/desk/signin") || strings.HasPrefix(next, "/desk/link/") {
		return "/desk/register"
	}
	return next
}
