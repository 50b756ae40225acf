package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/internal/bottest"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
)

// limitedFixture is a web chat with limits, on a clock the test moves.
func limitedFixture(t *testing.T, l Limits, uploads Uploads) (*fixture, *testClock) {
	f := &fixture{t: t, mux: http.NewServeMux(), eng: newFakeEngine(nil), files: &bottest.Files{}}
	clock := &testClock{t: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	h := New(f.eng, f.files, testSecret, slog.New(slog.DiscardHandler))
	h.now = clock.now
	h.Configure(l, uploads)
	h.Register(f.mux)
	return f, clock
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func (f *fixture) postFrom(c *http.Cookie, remote, xff, lang, id string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/chat/api/messages", strings.NewReader(`{"id":"`+id+`","text":"水管漏了"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept-Language", lang)
	r.RemoteAddr = remote
	if xff != "" {
		r.Header.Set("X-Forwarded-For", xff)
	}
	return f.do(withCookie(r, c))
}

// TestSecureCookieFromPublicURL: behind a TLS proxy the request is plain
// http; the cookie is Secure because heed's public URL is https, and not
// for a plain-http public URL (local development).
func TestSecureCookieFromPublicURL(t *testing.T) {
	for url, secure := range map[string]bool{"https://heed.example.com": true, "HTTPS://heed.example.com/": true,
		"http://127.0.0.1:8080": false, "": false} {
		f, _ := limitedFixture(t, LimitsFrom(&config.Config{PublicURL: url}), nil)
		c := sessionCookie(t, f.do(httptest.NewRequest("GET", "/", nil)))
		if c == nil || c.Secure != secure {
			t.Errorf("public URL %q: cookie %+v, want Secure=%v", url, c, secure)
		}
	}
}

// TestRateLimitsPerSessionAndAddress: a session sending far faster than a
// person types is answered 429 politely, in its language, with
// Retry-After, and the engine never sees the excess; other sessions and
// addresses are not slowed. An address behind a trusted proxy is the
// client's own, not the proxy's.
func TestRateLimitsPerSessionAndAddress(t *testing.T) {
	f, clock := limitedFixture(t, Limits{SessionPerMinute: 10, IPPerMinute: 40,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, nil)
	noisy, calm := f.newSession(), f.newSession()
	var ok, limited int
	for i := range 200 {
		w := f.postFrom(noisy, "203.0.113.7:5000", "", "en-US,en;q=0.9", fmt.Sprintf("n%d", i))
		switch w.Code {
		case 200:
			ok++
		case 429:
			limited++
			a := decode(t, w)
			if a.Error == nil || a.Error.Code != "rate_limited" || !strings.Contains(a.Error.Message, "Please wait") || w.Header().Get("Retry-After") == "" {
				t.Fatalf("429 answer: %s %v", w.Body, w.Header())
			}
		default:
			t.Fatalf("message %d: %d %s", i, w.Code, w.Body)
		}
	}
	if ok != 5 || limited != 195 || len(f.eng.Calls()) != 5 {
		t.Fatalf("a burst of 200: %d taken, %d refused, engine saw %d; want 5, 195, 5", ok, limited, len(f.eng.Calls()))
	}
	if w := f.postFrom(calm, "198.51.100.2:6000", "", "zh-CN", "c1"); w.Code != 200 {
		t.Fatalf("another owner while one floods: %d %s", w.Code, w.Body)
	}
	// A minute on, the noisy session may talk again.
	clock.advance(time.Minute)
	if w := f.postFrom(noisy, "203.0.113.7:5000", "", "zh-CN", "later"); w.Code != 200 {
		t.Fatalf("after a minute: %d %s", w.Code, w.Body)
	}

	// Many fresh sessions from one address: the address's limit holds.
	refused := 0
	for i := range 60 {
		w := f.postFrom(f.newSession(), "192.0.2.9:7000", "", "zh-CN", fmt.Sprintf("s%d", i))
		if w.Code == 429 {
			refused++
			if a := decode(t, w); !strings.Contains(a.Error.Message, "请稍等") {
				t.Errorf("zh-CN 429: %s", w.Body)
			}
		}
	}
	if refused != 40 { // a burst of 20 of the 40 a minute
		t.Errorf("60 sessions from one address: %d refused, want 40", refused)
	}
	// Behind the proxy, each owner is their own address; a forged hop
	// before the proxy's does not help.
	for i := range 30 {
		if w := f.postFrom(f.newSession(), "10.1.2.3:443", fmt.Sprintf("203.0.113.%d", 100+i), "zh-CN", "p"); w.Code != 200 {
			t.Fatalf("owner %d behind the proxy: %d", i, w.Code)
		}
	}
	for i := range 25 {
		w := f.postFrom(f.newSession(), "10.1.2.3:443", fmt.Sprintf("1.2.3.%d, 198.51.100.77", i), "zh-CN", "q")
		if i >= 20 && w.Code != 429 {
			t.Errorf("forged hops %d: %d, want 429 for the one real address", i, w.Code)
		}
	}
	// A poll is not a send.
	r := withCookie(httptest.NewRequest("GET", "/chat/api/messages?after=0", nil), noisy)
	r.RemoteAddr = "203.0.113.7:5000"
	if w := f.do(r); w.Code != 200 {
		t.Errorf("poll: %d", w.Code)
	}
}

// TestProxyBehindLoopbackByDefault: with no trusted_proxies configured, a
// TLS proxy on the same host or a private network is believed, so owners
// behind it do not share one address's limit; a public address's
// X-Forwarded-For is not.
func TestProxyBehindLoopbackByDefault(t *testing.T) {
	l := LimitsFrom(&config.Config{})
	req := func(remote, xff string) *http.Request {
		r := httptest.NewRequest("POST", "/chat/api/messages", nil)
		r.RemoteAddr, r.Header["X-Forwarded-For"] = remote, []string{xff}
		return r
	}
	for _, tc := range []struct{ remote, xff, want string }{
		{"127.0.0.1:4000", "203.0.113.5", "203.0.113.5"},
		{"[::1]:4000", "203.0.113.6", "203.0.113.6"},
		{"10.2.3.4:4000", "198.51.100.1, 10.9.9.9", "198.51.100.1"},
		{"203.0.113.9:4000", "1.1.1.1", "203.0.113.9"},
		{"127.0.0.1:4000", "not-an-address", "127.0.0.1"},
	} {
		if got := clientIP(req(tc.remote, tc.xff), l.TrustedProxies); got != tc.want {
			t.Errorf("%s with X-Forwarded-For %q: client %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
	own := LimitsFrom(&config.Config{WebChat: config.WebChat{TrustedProxies: []string{"192.0.2.1"}}})
	if got := clientIP(req("127.0.0.1:4000", "203.0.113.5"), own.TrustedProxies); got != "127.0.0.1" {
		t.Errorf("a configured list replaces the default: client %s", got)
	}
}

// TestLimiterForgetsIdleKeys: the limiter's memory follows the clients
// active now: keys idle until their bucket is full again are dropped.
func TestLimiterForgetsIdleKeys(t *testing.T) {
	k := newKeyedLimiter(20)
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	for i := range 5000 {
		k.allow(fmt.Sprintf("session-%d", i), at)
	}
	if k.size() != 5000 {
		t.Fatalf("%d keys", k.size())
	}
	k.allow("session-1", at.Add(30*time.Second)) // still within the idle time: all kept
	if k.size() != 5000 {
		t.Fatalf("after 30 s: %d keys", k.size())
	}
	k.allow("active", at.Add(2*time.Minute))
	if k.size() != 1 {
		t.Fatalf("after 2 idle minutes: %d keys remembered, want only the active one", k.size())
	}
	if newKeyedLimiter(0) != nil {
		t.Error("0 a minute is no limit")
	}
}

// TestUploadBudgets: photo bytes are booked against the session's day and
// its draft in PostgreSQL; over either the owner is told politely and
// nothing is kept.
func TestUploadBudgets(t *testing.T) {
	db := casestest.DB(t)
	ctx := context.Background()
	l := Limits{SessionUploadBytes: 1000, DraftUploadBytes: 600}
	u := DBUploads{DB: db}
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	release, over, err := u.Reserve(ctx, "s1", 400, l, now)
	if err != nil || over != "" {
		t.Fatalf("first photo: %q %v", over, err)
	}
	// The engine put 500 bytes of photos in s1's draft.
	db.MustExec(`INSERT INTO conversations (channel, user_id, chat_id, data, updated_at) VALUES ('web', 's1', 's1',
		'{"draft": {"attachments": [{"ref": "file:1", "size": 300}, {"ref": "file:2", "size": 200}]}}', now())`)
	if _, over, _ := u.Reserve(ctx, "s1", 200, l, now); over != "draft" {
		t.Errorf("500 in the draft + 200 past 600: over %q", over)
	}
	if _, over, _ := u.Reserve(ctx, "s1", 100, l, now); over != "" {
		t.Errorf("500 + 100 fits the draft: over %q", over)
	}
	db.MustExec(`UPDATE conversations SET data = '{}' WHERE user_id = 's1'`) // the complaint was submitted
	if _, over, _ := u.Reserve(ctx, "s1", 501, l, now); over != "session" {
		t.Errorf("400 + 100 booked today + 501: over %q, want session", over)
	}
	release() // the first photo was not kept after all
	if _, over, _ := u.Reserve(ctx, "s1", 501, l, now); over != "" {
		t.Errorf("after a release: over %q", over)
	}
	if _, over, _ := u.Reserve(ctx, "s2", 600, l, now); over != "" {
		t.Errorf("another session: over %q", over)
	}
	// A day later the session's budget is whole again, and old bookings are gone.
	if _, over, _ := u.Reserve(ctx, "s1", 600, l, now.Add(25*time.Hour)); over != "" {
		t.Errorf("a day later: over %q", over)
	}
	var rows int
	db.Get(&rows, `SELECT count(*) FROM web_chat_uploads`)
	if rows != 1 {
		t.Errorf("%d bookings kept, want only the day's one", rows)
	}

	// Through the handler: the photo over the budget is refused politely and not stored.
	f, _ := limitedFixture(t, Limits{SessionUploadBytes: 1 << 20, DraftUploadBytes: 1 << 20}, u)
	c := f.newSession()
	big := append(pngBytes(t), make([]byte, 700<<10)...)
	if w := f.do(photoRequest(t, c, "p1", "", "a.png", big)); w.Code != 200 {
		t.Fatalf("first photo: %d %s", w.Code, w.Body)
	}
	r := photoRequest(t, c, "p2", "", "b.png", big)
	r.Header.Set("Accept-Language", "en")
	w := f.do(r)
	a := decode(t, w)
	if w.Code != 403 || a.Error == nil || a.Error.Code != "over_budget" || !strings.Contains(a.Error.Message, "photos") {
		t.Fatalf("photo over the day's budget: %d %s", w.Code, w.Body)
	}
	if n := len(f.files.Saved()); n != 1 {
		t.Errorf("%d photos stored, want 1", n)
	}
}
