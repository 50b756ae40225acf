package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

const (
	// CookieName is the session cookie's name.
	CookieName = "heed_chat"
	cookieAge  = 180 * 24 * time.Hour
	minSecret  = 32
	sessionLen = 16 // bytes: 128 random bits
)

// A session is a random 128-bit id, hex-encoded, which is the owner's ChatID
// and UserID on the web channel. The cookie holds "id.mac" with the mac an
// HMAC-SHA256 of the id under the secret, so an owner cannot step into
// another's conversation by guessing or editing ids.

func newSessionID() string {
	b := make([]byte, sessionLen)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails (Go 1.24+: it crashes the program instead)
	return hex.EncodeToString(b)
}

func (h *Handler) sign(session string) string {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte("heed_chat/v1:" + session))
	return session + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// session is the verified session of r's cookie; false when there is none,
// or it was altered or signed with another secret.
func (h *Handler) session(r *http.Request) (string, bool) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return "", false
	}
	id, _, ok := strings.Cut(c.Value, ".")
	if !ok || len(id) != 2*sessionLen {
		return "", false
	}
	if _, err := hex.DecodeString(id); err != nil || strings.ToLower(id) != id {
		return "", false
	}
	if !hmac.Equal([]byte(c.Value), []byte(h.sign(id))) {
		return "", false
	}
	return id, true
}

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, session string) {
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    h.sign(session),
		Path:     "/",
		MaxAge:   int(cookieAge / time.Second),
		Expires:  h.now().Add(cookieAge),
		HttpOnly: true,
		Secure:   r.TLS != nil || h.limits.Secure, // behind a TLS proxy the request is plain http
		SameSite: http.SameSiteLaxMode,
	})
}
