package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/telegram"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
)

// The example company's people the tests sign in as, with their Telegram ids.
const (
	specialistID = "cs.zhoumin" // 周敏, complaint specialist
	specialistTG = "6100000701"
	gmID         = "gm.liu" // 刘建国, general manager
	gmTG         = "6100000801"
	engManagerID = "eng.li" // 李建华, manager of 工程部
	engManagerTG = "6100000101"
	tgToken      = "123:desk-test"
)

// Wednesday 18 November 2026, 10:00 in Shanghai.
var (
	shanghai, _ = time.LoadLocation("Asia/Shanghai")
	wednesday   = time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai)
)

// testDesk is the console on a real database, with Telegram on: sign-in links
// go through the outbox to the fake Telegram, as in heed serve.
type testDesk struct {
	t      testing.TB
	svc    *cases.Service
	clock  *casestest.Clock
	srv    *httptest.Server
	tg     *telegramfake.Server
	worker *notify.Worker
	c      *Console
}

func newDesk(t testing.TB) *testDesk {
	t.Helper()
	tg := telegramfake.New(t, tgToken)
	cfg := casestest.Config(t)
	cfg.Rules.Dispatch = "manual"
	cfg.Telegram.Token, cfg.Telegram.WebhookSecret, cfg.Telegram.APIURL = tgToken, "desk-secret", tg.URL
	clock := casestest.NewClock(wednesday)
	svc, db := casestest.ServiceWith(t, clock, cfg)
	log := slog.New(slog.DiscardHandler)
	d, err := desk.New(svc, "telegram")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(context.Background(), svc, d, log)
	if err != nil {
		t.Fatal(err)
	}
	bot, err := telegram.New(tgToken, "desk-secret", tg.URL, nil, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	w := &notify.Worker{DB: db, Senders: map[string]notify.Sender{"telegram": bot}, Log: log, NoLimits: true, Now: clock.Now}
	return &testDesk{t: t, svc: svc, clock: clock, srv: srv, tg: tg, worker: w, c: c}
}

// browser is an HTTP client with its own cookies, as one browser is.
type browser struct {
	d   *testDesk
	jar *cookiejar.Jar
	cl  *http.Client
	// header is sent with every request (Accept-Language, Sec-Fetch-Site).
	header http.Header
}

func (d *testDesk) browser() *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{d: d, jar: jar, header: http.Header{}}
	b.cl = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return b
}

type page struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (b *browser) do(method, path string, form url.Values) page {
	b.d.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.d.srv.URL+path, body)
	if err != nil {
		b.d.t.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.cl.Do(req)
	if err != nil {
		b.d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, body: string(raw), location: res.Header.Get("Location"), header: res.Header}
}

func (b *browser) get(path string) page { return b.do("GET", path, nil) }

// post sends a form with this browser's CSRF token, read off the page at from.
func (b *browser) post(from, path string, form url.Values) page {
	b.d.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", csrfOf(b.d.t, b.get(from).body))
	return b.do("POST", path, form)
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)">`)

func csrfOf(t testing.TB, body string) string {
	t.Helper()
	m := csrfMeta.FindStringSubmatch(body)
	if m == nil || m[1] == "" {
		t.Fatalf("no CSRF token on the page:\n%s", body)
	}
	return m[1]
}

// askLink asks for a sign-in link as who and delivers the outbox.
func (b *browser) askLink(who string) page {
	b.d.t.Helper()
	p := b.post("/desk/signin", "/desk/signin", url.Values{"who": {who}})
	b.d.deliver()
	return p
}

// deliver sends what the outbox holds.
func (d *testDesk) deliver() {
	d.t.Helper()
	for range 5 {
		n, err := d.worker.DeliverDue(context.Background())
		if err != nil {
			d.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

var linkRE = regexp.MustCompile(`https?://\S+/desk/link/[A-Za-z0-9_-]+`)

// links are the sign-in links heed sent to a Telegram chat so far.
func (d *testDesk) links(chat string) []string {
	var out []string
	for _, c := range d.tg.Sent(chat) {
		if l := linkRE.FindString(c.Params["text"]); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// lastLink is the path of the newest link sent to chat.
func (d *testDesk) lastLink(chat string) string {
	d.t.Helper()
	ls := d.links(chat)
	if len(ls) == 0 {
		d.t.Fatalf("no sign-in link in Telegram chat %s", chat)
	}
	u, err := url.Parse(ls[len(ls)-1])
	if err != nil {
		d.t.Fatal(err)
	}
	return u.Path
}

// signIn signs b in as the person of a Telegram chat by the whole flow:
// ask, receive the link, open it, continue.
func (b *browser) signIn(who, chat string) {
	b.d.t.Helper()
	b.askLink(who)
	link := b.d.lastLink(chat)
	p := b.post(link, link, nil)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/desk/") {
		b.d.t.Fatalf("opening the link: %d → %q\n%s", p.status, p.location, p.body)
	}
}

// newCase records a complaint as the front desk would.
func (d *testDesk) newCase(n cases.NewCase) *cases.Case {
	d.t.Helper()
	c, err := d.svc.Create(context.Background(), cases.Actor{Kind: cases.ActorStaff, ID: "front.xu", Channel: cases.ChannelAPI}, n)
	if err != nil {
		d.t.Fatal(err)
	}
	d.clock.Advance(time.Minute)
	return c
}

func leak() cases.NewCase {
	return cases.NewCase{Channel: cases.ChannelPhone, CustomerName: "王女士", ContactPhone: "13812345678",
		Community: "xinghewan", Unit: "3栋2单元1102", Content: "楼上漏水很严重，天花板在滴水", Category: "repair"}
}

// person is who b is signed in as, as a page's handler sees it.
func (b *browser) person() *Person {
	b.d.t.Helper()
	req := httptest.NewRequest("GET", "/desk/register", nil)
	for _, ck := range b.jar.Cookies(mustURL(b.d.srv.URL + "/desk/")) {
		req.AddCookie(ck)
	}
	p, err := b.d.c.sessionPerson(req)
	if err != nil || p == nil {
		b.d.t.Fatalf("no person signed in: %v", err)
	}
	return p
}
