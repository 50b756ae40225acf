package console

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSignInByLink: a specialist asks for a link, it arrives in their own
// Telegram chat (nowhere else), opening it shows a page that uses nothing,
// continuing signs the browser in and lands on the page they wanted.
func TestSignInByLink(t *testing.T) {
	d := newDesk(t)
	b := d.browser()
	p := b.get("/desk/register?status=open")
	if p.status != http.StatusSeeOther || p.location != "/desk/signin?next=%2Fdesk%2Fregister%3Fstatus%3Dopen" {
		t.Fatalf("the register signed out: %d → %q", p.status, p.location)
	}
	p = b.get(p.location)
	if !strings.Contains(p.body, "登录投诉工作台") || !strings.Contains(p.body, `name="next" value="/desk/register?status=open"`) {
		t.Fatalf("sign-in page:\n%s", p.body)
	}
	form := url.Values{"who": {"cs.zhoumin"}, "next": {"/desk/register?status=open"}}
	p = b.post("/desk/signin", "/desk/signin", form)
	if p.status != http.StatusOK || !strings.Contains(p.body, "如果您是工作台的成员，登录链接已经在发往您 Slack 私信或 Telegram 私聊的路上") {
		t.Fatalf("the answer to asking: %d\n%s", p.status, p.body)
	}
	d.deliver()
	sent := d.tg.Calls("sendMessage")
	if len(sent) != 1 || sent[0].Params["chat_id"] != specialistTG {
		t.Fatalf("sent %d messages (%v), want one to the specialist's own chat %s", len(sent), sent, specialistTG)
	}
	text := sent[0].Params["text"]
	if !strings.Contains(text, "投诉工作台登录链接（10 分钟内有效，只能使用一次）") || !strings.Contains(text, d.srv.URL+"/desk/link/") {
		t.Errorf("the message: %q", text)
	}
	link := d.lastLink(specialistTG)

	// Opening it twice (a link preview, then the person) spends nothing.
	for range 2 {
		if p := b.get(link); p.status != http.StatusOK || !strings.Contains(p.body, "继续登录") || !strings.Contains(p.body, "data-autosubmit") {
			t.Fatalf("the link's page: %d\n%s", p.status, p.body)
		}
	}
	p = b.post(link, link, nil)
	if p.status != http.StatusSeeOther || p.location != "/desk/register?status=open" {
		t.Fatalf("continuing: %d → %q", p.status, p.location)
	}
	var session *http.Cookie
	for _, ck := range b.jar.Cookies(mustURL(d.srv.URL + "/desk/")) {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	setCookie := p.header.Get("Set-Cookie")
	if session == nil || !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=Lax") ||
		!strings.Contains(setCookie, "Path=/desk/") || strings.Contains(setCookie, "Secure") {
		t.Errorf("session cookie %q: want HttpOnly, SameSite=Lax, Path=/desk/, not Secure over plain http", setCookie)
	}
	p = b.get("/desk/register?status=open")
	if p.status != http.StatusOK || !strings.Contains(p.body, "周敏") || !strings.Contains(p.body, "客服专员") {
		t.Fatalf("the register signed in: %d\n%s", p.status, p.body)
	}
	// The database keeps the link's hash, never the link.
	token := link[strings.LastIndex(link, "/")+1:]
	var hashed, plain int
	d.svc.DB().Get(&hashed, `SELECT count(*) FROM desk_signin_links WHERE token_hash = $1`, hashToken(token))
	d.svc.DB().Get(&plain, `SELECT count(*) FROM desk_signin_links l WHERE strpos(l::text, $1) > 0`, token)
	if hashed != 1 || plain != 0 {
		t.Errorf("links stored by hash: %d, with the token as it is: %d", hashed, plain)
	}
}

// TestSecureCookieBehindTLSProxy: with an https public URL the session
// cookie is Secure although the request reaching heed is plain http, and
// links point to the public URL, not to the address the request came to.
func TestSecureCookieBehindTLSProxy(t *testing.T) {
	d := newDesk(t)
	d.c.cfg.PublicURL = "https://desk.example.com"
	d.c.net.Secure = true
	b := d.browser()
	b.askLink("cs.zhoumin")
	links := d.links(specialistTG)
	if len(links) != 1 || !strings.HasPrefix(links[0], "https://desk.example.com/desk/link/") {
		t.Fatalf("links %v: want one to the public URL", links)
	}
	u, _ := url.Parse(links[0])
	// A browser with no cookies yet opens it (a cookie jar would keep
	// Secure cookies from plain http: the headers are read by hand).
	res, err := http.Get(d.srv.URL + u.Path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	req, _ := http.NewRequest("POST", d.srv.URL+u.Path, strings.NewReader(url.Values{"csrf": {csrfOf(t, string(body))}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range res.Header.Values("Set-Cookie") {
		if !strings.Contains(ck, "Secure") {
			t.Errorf("cookie %q is not Secure", ck)
		}
		req.Header.Add("Cookie", strings.Split(ck, ";")[0])
	}
	res, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var session string
	for _, ck := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, sessionCookie+"=") {
			session = ck
		}
	}
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(session, "Secure") || !strings.Contains(session, "HttpOnly") {
		t.Errorf("behind TLS: %d, session cookie %q", res.StatusCode, session)
	}
}

// TestSignInAnswerTellsNothing: whoever is typed — a person on the staff by
// id, phone or name, someone unknown — the answer is the same, byte for
// byte; only the people on the staff get a link, in their own chat.
func TestSignInAnswerTellsNothing(t *testing.T) {
	d := newDesk(t)
	b := d.browser()
	var first page
	for i, who := range []string{"cs.zhoumin", "nobody.here", "13900000801", "李建华", "13800000000", "周敏 "} {
		p := b.post("/desk/signin", "/desk/signin", url.Values{"who": {who}})
		if i == 0 {
			first = p
			continue
		}
		if p.status != first.status || p.body != first.body {
			t.Errorf("the answer for %q differs from the answer for a specialist:\n%s\n---\n%s", who, p.body, first.body)
		}
	}
	d.deliver()
	got := map[string]int{}
	for _, c := range d.tg.Calls("sendMessage") {
		got[c.Params["chat_id"]]++
	}
	// 周敏 twice (id, name with a space), the GM by phone, 李建华 by name.
	want := map[string]int{specialistTG: 2, gmTG: 1, engManagerTG: 1}
	if len(got) != len(want) {
		t.Errorf("links went to %v, want %v", got, want)
	}
	for chat, n := range want {
		if got[chat] != n {
			t.Errorf("chat %s got %d links, want %d (all: %v)", chat, got[chat], n, got)
		}
	}
}

// TestSignInLimits: a person gets at most 3 links in 15 minutes however
// often they are asked for, and one address may ask 10 times; both look
// the same as any answer until the address's limit.
func TestSignInLimits(t *testing.T) {
	d := newDesk(t)
	b := d.browser()
	for i := range 10 {
		if p := b.askLink("gm.liu"); p.status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, p.status)
		}
	}
	if n := len(d.links(gmTG)); n != 3 {
		t.Errorf("the GM got %d links for 10 requests, want 3", n)
	}
	p := b.askLink("gm.liu")
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" || !strings.Contains(p.body, "请 15 分钟后再试") {
		t.Errorf("the 11th request from one address: %d %q", p.status, p.header.Get("Retry-After"))
	}
	// Another address (behind the trusted proxy, X-Forwarded-For) may ask,
	// but the GM's own limit holds.
	other := d.browser()
	other.header.Set("X-Forwarded-For", "203.0.113.9")
	if p := other.askLink("gm.liu"); p.status != http.StatusOK {
		t.Errorf("another address: %d", p.status)
	}
	if n := len(d.links(gmTG)); n != 3 {
		t.Errorf("the GM got %d links, want still 3", n)
	}
	// A quarter of an hour later both may again.
	d.clock.Advance(16 * time.Minute)
	b.askLink("gm.liu")
	if n := len(d.links(gmTG)); n != 4 {
		t.Errorf("after the window the GM has %d links, want 4", n)
	}
}

// TestUsedOrExpiredLinkRefused: a link signs in once; a used link, an
// expired one and a made-up one are all refused, and none signs in.
func TestUsedOrExpiredLinkRefused(t *testing.T) {
	d := newDesk(t)
	b := d.browser()
	b.signIn("cs.zhoumin", specialistTG)
	used := d.lastLink(specialistTG)

	thief := d.browser()
	for _, link := range []string{used, "/desk/link/made-up-token-0123456789abcdefghijklmnopq"} {
		if p := thief.get(link); p.status != http.StatusGone || !strings.Contains(p.body, "这个登录链接已经用过或已过期") {
			t.Errorf("opening %s: %d", link, p.status)
		}
		if p := thief.post("/desk/signin", link, nil); p.status != http.StatusGone {
			t.Errorf("continuing with %s: %d → %q", link, p.status, p.location)
		}
	}
	// Ten minutes is the link's life.
	thief.askLink("gm.liu")
	stale := d.lastLink(gmTG)
	d.clock.Advance(10*time.Minute + time.Second)
	if p := thief.get(stale); p.status != http.StatusGone {
		t.Errorf("an expired link opens: %d", p.status)
	}
	if p := thief.post("/desk/signin", stale, nil); p.status != http.StatusGone {
		t.Errorf("an expired link signs in: %d → %q", p.status, p.location)
	}
	if p := thief.get("/desk/register"); p.status != http.StatusSeeOther {
		t.Errorf("after refused links the register answers %d, want the sign-in redirect", p.status)
	}
}

// TestPostWithoutCSRFTokenRefused: every POST of the desk needs the token
// of the browser's own session; without it, with another session's, or
// from another site, it is refused and changes nothing.
func TestPostWithoutCSRFTokenRefused(t *testing.T) {
	d := newDesk(t)
	b := d.browser()
	b.signIn("cs.zhoumin", specialistTG)
	other := d.browser()
	other.signIn("gm.liu", gmTG)
	othersToken := csrfOf(t, other.get("/desk/register").body)
	for name, form := range map[string]url.Values{
		"no token":               {},
		"a wrong token":          {"csrf": {"AAAA"}},
		"another session's":      {"csrf": {othersToken}},
		"an empty token":         {"csrf": {""}},
		"the token in the query": nil,
	} {
		path := "/desk/signout/everywhere"
		if form == nil {
			path += "?csrf=" + url.QueryEscape(csrfOf(t, b.get("/desk/register").body))
			form = url.Values{}
		}
		p := b.do("POST", path, form)
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "表单已过期或来自其他网站") {
			t.Errorf("%s: %d %q", name, p.status, p.location)
		}
	}
	// With its own token, but sent from another site.
	b.header.Set("Sec-Fetch-Site", "cross-site")
	if p := b.post("/desk/register", "/desk/signout/everywhere", nil); p.status != http.StatusForbidden {
		t.Errorf("from another site: %d", p.status)
	}
	b.header.Del("Sec-Fetch-Site")
	if p := b.get("/desk/register"); p.status != http.StatusOK {
		t.Fatalf("after refused posts the session is gone: %d", p.status)
	}
	// The sign-in form needs its token too: a page of another site cannot
	// make a browser ask for links.
	stranger := d.browser()
	if p := stranger.do("POST", "/desk/signin", url.Values{"who": {"gm.liu"}}); p.status != http.StatusForbidden {
		t.Errorf("a sign-in request without a token: %d", p.status)
	}
	d.deliver()
	if n := len(d.links(gmTG)); n != 1 {
		t.Errorf("the GM has %d links, want only the one they signed in with", n)
	}
	if p := b.post("/desk/register", "/desk/signout/everywhere", nil); p.status != http.StatusSeeOther {
		t.Errorf("with the token: %d", p.status)
	}
}

// TestSignOutEverywhere: signing out everywhere ends the person's other
// browsers too, not other people's; the account page lists the sessions.
func TestSignOutEverywhere(t *testing.T) {
	d := newDesk(t)
	phone, laptop, gm := d.browser(), d.browser(), d.browser()
	phone.header.Set("User-Agent", "Phone/1.0")
	phone.signIn("cs.zhoumin", specialistTG)
	laptop.signIn("cs.zhoumin", specialistTG)
	gm.signIn("gm.liu", gmTG)
	acc := laptop.get("/desk/account")
	if strings.Count(acc.body, "/revoke") != 2 || !strings.Contains(acc.body, "Phone/1.0") {
		t.Errorf("the account page lists %d sessions:\n%s", strings.Count(acc.body, "/revoke"), acc.body)
	}
	if p := laptop.post("/desk/account", "/desk/signout/everywhere", nil); p.status != http.StatusSeeOther || p.location != "/desk/signin?out=all" {
		t.Fatalf("sign out everywhere: %d %q", p.status, p.location)
	}
	for name, b := range map[string]*browser{"phone": phone, "laptop": laptop} {
		if p := b.get("/desk/register"); p.status != http.StatusSeeOther {
			t.Errorf("the %s is still signed in: %d", name, p.status)
		}
	}
	if p := gm.get("/desk/register"); p.status != http.StatusOK {
		t.Errorf("the GM was signed out too: %d", p.status)
	}
	// A session idle for a day ends by itself.
	d.clock.Advance(24*time.Hour + time.Minute)
	if p := gm.get("/desk/register"); p.status != http.StatusSeeOther {
		t.Errorf("after a day idle the GM is signed in: %d", p.status)
	}
}

// TestPersonTakenOffTheStaff: someone removed from the configuration is
// signed out at once.
func TestPersonTakenOffTheStaff(t *testing.T) {
	d := newDesk(t)
	b := d.browser()
	b.signIn("gm.liu", gmTG)
	for i, s := range d.c.cfg.Staff {
		if s.ID == gmID {
			d.c.cfg.Staff[i].ID = "gm.retired"
		}
	}
	if p := b.get("/desk/register"); p.status != http.StatusSeeOther {
		t.Errorf("a person no longer on the staff reads the register: %d", p.status)
	}
}

// TestLinksOnlyToThisMachineWithoutPublicURL: without a public URL, a link
// points to the address the request came to only when that is this machine
// — a Host header a stranger sets never becomes the link a person opens.
func TestLinksOnlyToThisMachineWithoutPublicURL(t *testing.T) {
	d := newDesk(t)
	for host, want := range map[string]string{"127.0.0.1:8080": "http://127.0.0.1:8080", "localhost:9": "http://localhost:9",
		"[::1]:80": "http://[::1]:80", "evil.example.com": "", "10.0.0.5:8080": ""} {
		r, _ := http.NewRequestWithContext(context.Background(), "GET", "/desk/signin", nil)
		r.Host = host
		if got := d.c.linkBase(r); got != want {
			t.Errorf("host %s: links to %q, want %q", host, got, want)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
