package web

import (
	"context"
	"github.com/heedhq/heed/cases/locks"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/time/rate"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

// Limits bound what the public web chat takes from one session or one
// client address, so that one client cannot slow the others or fill the
// database.
type Limits struct {
	// Secure marks the session cookie Secure: heed's public URL is https
	// (behind a TLS proxy the request itself is plain http).
	Secure bool
	// SessionUploadBytes bounds the photo bytes one session stores in a
	// day, DraftUploadBytes those of one complaint being filled in.
	SessionUploadBytes, DraftUploadBytes int64
	// SessionPerMinute and IPPerMinute bound the messages and photos sent
	// per session and per client address; 0 is no limit.
	SessionPerMinute, IPPerMinute int
	// TrustedProxies are the addresses whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
}

// Defaults of the configuration's zero values.
const (
	DefaultSessionUploadMB = 50
	DefaultDraftUploadMB   = 30
	DefaultSessionPerMin   = 20
	DefaultIPPerMin        = 120
)

// DefaultTrustedProxies are the proxies believed when the configuration
// names none: loopback and private addresses, where the TLS proxy in front
// of heed sits. Without them every owner would share the proxy's address
// and its limit.
var DefaultTrustedProxies = []string{"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}

// LimitsFrom reads the limits from the configuration, with the defaults
// for what it leaves out.
func LimitsFrom(cfg *config.Config) Limits {
	or := func(n, d int) int {
		if n > 0 {
			return n
		}
		return d
	}
	w := cfg.WebChat
	l := Limits{
		Secure:             strings.HasPrefix(strings.ToLower(cfg.PublicURL), "https://"),
		SessionUploadBytes: int64(or(w.UploadMBPerSession, DefaultSessionUploadMB)) << 20,
		DraftUploadBytes:   int64(or(w.UploadMBPerDraft, DefaultDraftUploadMB)) << 20,
		SessionPerMinute:   or(w.MessagesPerMinute, DefaultSessionPerMin),
		IPPerMinute:        or(w.MessagesPerMinutePerIP, DefaultIPPerMin),
	}
	proxies := w.TrustedProxies
	if len(proxies) == 0 {
		proxies = DefaultTrustedProxies
	}
	for _, s := range proxies {
		if p, err := netip.ParsePrefix(s); err == nil {
			l.TrustedProxies = append(l.TrustedProxies, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			l.TrustedProxies = append(l.TrustedProxies, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return l
}

// Uploads books the photo bytes sessions store.
type Uploads interface {
	// Reserve books n bytes for session's next photo, unless they would
	// pass the session's budget for the day or its draft's: over is then
	// "session" or "draft" and nothing is booked. release undoes a booking
	// whose photo was not kept.
	Reserve(ctx context.Context, session string, n int64, l Limits, now time.Time) (release func(), over string, err error)
}

// Configure sets the web chat's limits and the store that books uploads
// (nil: photos are not budgeted). Call it before serving.
func (h *Handler) Configure(l Limits, uploads Uploads) {
	h.limits, h.uploads = l, uploads
	h.perSession = newKeyedLimiter(l.SessionPerMinute)
	h.perIP = newKeyedLimiter(l.IPPerMinute)
}

// DBUploads books uploads in PostgreSQL (table web_chat_uploads), so the
// budget holds across every heed serve.
type DBUploads struct{ DB *sqlx.DB }

// Reserve implements Uploads. The session's bookings are serialised by an
// advisory lock; the draft's bytes are read from its conversation.
func (u DBUploads) Reserve(ctx context.Context, session string, n int64, l Limits, now time.Time) (func(), string, error) {
	if err := loadQueries(); err != nil {
		return nil, "", err
	}
	tx, err := u.DB.BeginTxx(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback() //nolint:errcheck
	dayAgo := now.Add(-24 * time.Hour)
	if _, err := tx.ExecContext(ctx, stmt.UploadLock, locks.WebUploads+session); err != nil {
		return nil, "", err
	}
	if _, err := tx.ExecContext(ctx, stmt.ForgetUploads, dayAgo); err != nil {
		return nil, "", err
	}
	var day int64
	if err := tx.GetContext(ctx, &day, stmt.SessionUploadBytes, session); err != nil {
		return nil, "", err
	}
	// The engine keeps the complaint being filled in, its photos with their
	// sizes; the session is the web chat's user.
	draft, err := conversation.DraftPhotoBytes(ctx, tx, string(cases.ChannelWeb), session)
	if err != nil {
		return nil, "", err
	}
	switch {
	case l.SessionUploadBytes > 0 && day+n > l.SessionUploadBytes:
		return nil, "session", nil
	case l.DraftUploadBytes > 0 && draft+n > l.DraftUploadBytes:
		return nil, "draft", nil
	}
	var id int64
	if err := tx.GetContext(ctx, &id, stmt.BookUpload, session, n, now); err != nil {
		return nil, "", err
	}
	if err := tx.Commit(); err != nil {
		return nil, "", err
	}
	return func() {
		u.DB.ExecContext(context.WithoutCancel(ctx), stmt.ReleaseUpload, id) //nolint:errcheck // at worst the day's budget is a photo smaller
	}, "", nil
}

// keyedLimiter is a token bucket per key (a session, an address) that
// forgets keys idle long enough for their bucket to be full again, so its
// memory follows the clients active now, not every client ever served.
type keyedLimiter struct {
	mu        sync.Mutex
	every     rate.Limit
	burst     int
	idle      time.Duration // a bucket untouched this long is full: forget it
	keys      map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	l    *rate.Limiter
	seen time.Time
}

// newKeyedLimiter allows perMinute events a minute per key, in bursts of
// half that; nil (no limit) for 0.
func newKeyedLimiter(perMinute int) *keyedLimiter {
	if perMinute <= 0 {
		return nil
	}
	burst := max(perMinute/2, 1)
	every := rate.Limit(float64(perMinute) / 60)
	idle := max(time.Duration(float64(burst)/float64(every)*float64(time.Second)), time.Minute)
	return &keyedLimiter{every: every, burst: burst, idle: idle, keys: map[string]*bucket{}}
}

// allow takes one event for key at now; when refused, wait is how long
// until the next is allowed.
func (k *keyedLimiter) allow(key string, now time.Time) (ok bool, wait time.Duration) {
	if k == nil {
		return true, 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if now.Sub(k.lastSweep) >= k.idle {
		for key, b := range k.keys {
			if now.Sub(b.seen) >= k.idle {
				delete(k.keys, key)
			}
		}
		k.lastSweep = now
	}
	b := k.keys[key]
	if b == nil {
		b = &bucket{l: rate.NewLimiter(k.every, k.burst)}
		k.keys[key] = b
	}
	b.seen = now
	r := b.l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// size is the number of keys remembered.
func (k *keyedLimiter) size() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}

// ClientAddress is the client's address as the web chat counts it (the
// desk in a browser limits sign-in requests by it too).
func ClientAddress(r *http.Request, l Limits) string { return clientIP(r, l.TrustedProxies) }

// clientIP is the address of the client: the connection's, or, from a
// trusted proxy, the nearest untrusted address of X-Forwarded-For.
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	if !isTrusted(addr) {
		return addr.Unmap().String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !isTrusted(a) {
			return a.Unmap().String()
		}
	}
	return addr.Unmap().String()
}

// limited answers a client over its rate, politely, in its language.
func (h *Handler) limited(r *http.Request, session string) *apiError {
	now := h.now()
	wait := time.Duration(0)
	if ok, d := h.perIP.allow(clientIP(r, h.limits.TrustedProxies), now); !ok {
		wait = d
	} else if ok, d := h.perSession.allow(session, now); !ok {
		wait = d
	} else {
		return nil
	}
	secs := int(wait/time.Second) + 1
	return &apiError{status: http.StatusTooManyRequests, code: "rate_limited", retryAfter: strconv.Itoa(secs),
		message: polite(r, "slow_down")}
}

// politeTexts are the answers to a client over a limit, by language.
var politeTexts = map[string]map[string]string{
	"slow_down": {
		"zh-CN": "您发送得有点快，我们都收到了。请稍等片刻再继续发送。",
		"zh-TW": "您傳送得有點快，我們都收到了。請稍候片刻再繼續傳送。",
		"en":    "You are sending faster than we can read. Please wait a moment before sending more.",
	},
	"session_budget": {
		"zh-CN": "今天收到的照片已经很多了，暂时无法再保存新照片。请用文字描述，或拨打客服电话。",
		"zh-TW": "今天收到的照片已經很多了，暫時無法再儲存新照片。請用文字描述，或撥打客服電話。",
		"en":    "We have received many photos from you today and cannot keep more for now. Please describe the rest in words, or call us.",
	},
	"draft_budget": {
		"zh-CN": "这次投诉的照片已经足够多了，这张没有保存。请先提交投诉，需要时再补充。",
		"zh-TW": "這次投訴的照片已經足夠多了，這張沒有儲存。請先提交投訴，需要時再補充。",
		"en":    "This complaint already has as many photos as it can hold; this one was not kept. Please submit it first and add more later if needed.",
	},
}

// polite is the text key in the language the browser prefers (Simplified
// Chinese unless it prefers Traditional Chinese or English).
func polite(r *http.Request, key string) string {
	lang := "zh-CN"
	switch hint := strings.ToLower(languageHint(r.Header.Get("Accept-Language"))); {
	case strings.HasPrefix(hint, "zh-tw"), strings.HasPrefix(hint, "zh-hk"), strings.HasPrefix(hint, "zh-mo"), strings.HasPrefix(hint, "zh-hant"):
		lang = "zh-TW"
	case strings.HasPrefix(hint, "en"):
		lang = "en"
	}
	return politeTexts[key][lang]
}
