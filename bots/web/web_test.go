package web

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"

	"github.com/heedhq/heed/bots/internal/bottest"
	"github.com/heedhq/heed/bots/internal/fakeapi"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

type fixture struct {
	t     *testing.T
	mux   *http.ServeMux
	eng   *fakeEngine
	files *bottest.Files
	logs  *fakeapi.LogBuffer
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t, mux: http.NewServeMux(), eng: newFakeEngine(nil), files: &bottest.Files{}, logs: &fakeapi.LogBuffer{}}
	log := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	New(f.eng, f.files, testSecret, log).Register(f.mux)
	return f
}

func (f *fixture) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	f.mux.ServeHTTP(w, r)
	return w
}

// newSession opens the page like a browser and returns its session cookie.
func (f *fixture) newSession() *http.Cookie {
	f.t.Helper()
	w := f.do(httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 {
		f.t.Fatalf("GET /: %d", w.Code)
	}
	c := sessionCookie(f.t, w)
	if c == nil {
		f.t.Fatal("GET / set no heed_chat cookie")
	}
	return c
}

func sessionCookie(t *testing.T, w *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	return nil
}

func sessionOf(c *http.Cookie) string { id, _, _ := strings.Cut(c.Value, "."); return id }

// postJSON posts body to the messages API with the cookie (if any).
func (f *fixture) postJSON(c *http.Cookie, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/chat/api/messages", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
	if c != nil {
		r.AddCookie(c)
	}
	return f.do(r)
}

func (f *fixture) postMessage(c *http.Cookie, msg map[string]any) *httptest.ResponseRecorder {
	b, err := json.Marshal(msg)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.postJSON(c, string(b))
}

type answer struct {
	Duplicate bool                `json:"duplicate"`
	Lines     []conversation.Line `json:"lines"`
	Error     *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func decode(t *testing.T, w *httptest.ResponseRecorder) answer {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON; body %s", ct, w.Body)
	}
	var a answer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, w.Body)
	}
	return a
}

func wantStatus(t *testing.T, w *httptest.ResponseRecorder, status int) answer {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body %s", w.Code, status, w.Body)
	}
	a := decode(t, w)
	if status >= 400 && (a.Error == nil || a.Error.Code == "" || a.Error.Message == "") {
		t.Fatalf("error answer without code and message: %s", w.Body)
	}
	return a
}

func TestNewRejectsShortSecret(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("New accepted a 31-byte secret")
		}
	}()
	New(newFakeEngine(nil), &bottest.Files{}, make([]byte, 31), nil)
}

func TestPageStartsSession(t *testing.T) {
	f := newFixture(t)
	w := f.do(httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "在线投诉 · 物业客服") {
		t.Fatalf("GET /: %d %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	c := sessionCookie(t, w)
	if c == nil {
		t.Fatal("no session cookie")
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$`).MatchString(c.Value) {
		t.Errorf("cookie value %q: want 128-bit hex id and HMAC-SHA256", c.Value)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", c)
	}
	if c.MaxAge != 180*24*3600 {
		t.Errorf("cookie MaxAge %d, want 180 days", c.MaxAge)
	}
	if c2 := f.newSession(); sessionOf(c2) == sessionOf(c) {
		t.Error("two browsers got the same session")
	}

	// Over TLS the cookie is Secure.
	r := httptest.NewRequest("GET", "https://heed.example/", nil)
	r.TLS = &tls.ConnectionState{}
	if c := sessionCookie(t, f.do(r)); c == nil || !c.Secure {
		t.Errorf("cookie over TLS %+v: want Secure", c)
	}
}

func TestPageKeepsSession(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(c)
	again := sessionCookie(t, f.do(r))
	if again == nil || again.Value != c.Value {
		t.Fatalf("returning owner got cookie %v, want the same session %v refreshed", again, c)
	}
}

func TestTamperedCookie(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	id, mac, _ := strings.Cut(c.Value, ".")
	other := strings.Repeat("0", 32)
	otherSecret := New(f.eng, f.files, bytes.Repeat([]byte("x"), 32), nil).sign(id)
	for name, value := range map[string]string{
		"other id, same mac":     other + "." + mac,
		"mac altered":            id + "." + strings.Repeat("A", len(mac)),
		"no mac":                 id,
		"empty":                  "",
		"signed by other secret": otherSecret,
		"upper-case id":          strings.ToUpper(id) + "." + mac,
	} {
		t.Run(name, func(t *testing.T) {
			bad := &http.Cookie{Name: CookieName, Value: value}
			r := httptest.NewRequest("GET", "/", nil)
			r.AddCookie(bad)
			fresh := sessionCookie(t, f.do(r))
			if fresh == nil || sessionOf(fresh) == id || sessionOf(fresh) == other {
				t.Fatalf("GET / with a bad cookie gave %v: want a new session", fresh)
			}
			for _, w := range []*httptest.ResponseRecorder{
				f.postMessage(bad, map[string]any{"id": "m1", "text": "漏水"}),
				f.do(withCookie(httptest.NewRequest("GET", "/chat/api/messages?after=0", nil), bad)),
			} {
				if a := wantStatus(t, w, 401); a.Error.Code != "unauthorized" {
					t.Errorf("error code %q", a.Error.Code)
				}
			}
		})
	}
	t.Run("no cookie", func(t *testing.T) {
		wantStatus(t, f.postMessage(nil, map[string]any{"id": "m1", "text": "漏水"}), 401)
		wantStatus(t, f.do(photoRequest(t, nil, "m2", "", "p.png", pngBytes(t))), 401)
	})
	if n := len(f.eng.Calls()); n != 0 {
		t.Errorf("the engine got %d messages without a valid session", n)
	}
}

func withCookie(r *http.Request, c *http.Cookie) *http.Request {
	if c != nil {
		r.AddCookie(c)
	}
	return r
}

func TestPostMessage(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	session := sessionOf(c)
	before := time.Now()
	a := wantStatus(t, f.postMessage(c, map[string]any{"id": "3f1c-uuid", "text": "楼上漏水，天花板在滴水", "after": 0}), 200)
	if a.Duplicate {
		t.Error("first send answered duplicate")
	}
	calls := f.eng.Calls()
	if len(calls) != 1 {
		t.Fatalf("engine got %d messages", len(calls))
	}
	in := calls[0]
	want := conversation.Inbound{Channel: cases.ChannelWeb, ChatID: session, UserID: session,
		MessageID: "web:" + session + ":3f1c-uuid", Kind: conversation.KindText, Text: "楼上漏水，天花板在滴水", LanguageHint: "zh-CN"}
	got := in
	got.At = time.Time{}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("inbound\n got %+v\nwant %+v", got, want)
	}
	if in.At.Before(before) || time.Since(in.At) > time.Minute {
		t.Errorf("At %v, want now", in.At)
	}
	if len(a.Lines) != 2 || a.Lines[0].From != "owner" || a.Lines[0].Text != "楼上漏水，天花板在滴水" ||
		a.Lines[1].From != "heed" || len(a.Lines[1].Choices) != 2 {
		t.Fatalf("lines %+v: want the owner's line and heed's question with 2 choices", a.Lines)
	}

	// A pressed choice goes as a button, and ?after= works as well as the field.
	r := httptest.NewRequest("POST", "/chat/api/messages?after="+strconv.FormatInt(a.Lines[1].ID, 10),
		strings.NewReader(`{"id":"b-1","button":"cat:repair"}`))
	r.AddCookie(c)
	a = wantStatus(t, f.do(r), 200)
	in = f.eng.Calls()[1]
	if in.Kind != conversation.KindButton || in.Button != "cat:repair" || in.Text != "" || in.MessageID != "web:"+session+":b-1" {
		t.Errorf("button inbound %+v", in)
	}
	if len(a.Lines) != 2 || a.Lines[0].Text != "设施维修" || a.Lines[1].Text != "您选择了 cat:repair" {
		t.Errorf("lines after the button: %+v", a.Lines)
	}

	// Without after, the answer carries this message's replies.
	a = wantStatus(t, f.postMessage(c, map[string]any{"id": "no-after", "text": "还有"}), 200)
	if len(a.Lines) != 1 || a.Lines[0].From != "heed" || a.Lines[0].Text != "收到，请问是哪一类问题？" {
		t.Errorf("lines without after: %+v", a.Lines)
	}
}

func TestDuplicateMessage(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	msg := map[string]any{"id": "same-id", "text": "电梯坏了", "after": 0}
	first := wantStatus(t, f.postMessage(c, msg), 200)
	// The answer was lost; the page retries with the same id.
	again := wantStatus(t, f.postMessage(c, msg), 200)
	if first.Duplicate || !again.Duplicate {
		t.Errorf("duplicate: first %v, retry %v", first.Duplicate, again.Duplicate)
	}
	calls := f.eng.Calls()
	if len(calls) != 2 || calls[0].MessageID != calls[1].MessageID {
		t.Fatalf("the retry must reach the engine with the same MessageID: %+v", calls)
	}
	if len(again.Lines) != len(first.Lines) || len(again.Lines) != 2 {
		t.Errorf("the retry's answer must bring the lines the lost answer had: %+v", again.Lines)
	}
	// Ids are per session: another owner's "same-id" is another message.
	other := f.newSession()
	wantStatus(t, f.postMessage(other, msg), 200)
	if c := f.eng.Calls(); c[2].MessageID == c[0].MessageID {
		t.Error("two sessions' ids collide")
	}
}

func TestOwnerTextVerbatim(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	long := strings.Repeat("漏", 9990) + "0123456789"
	for i, text := range []string{
		"<script>alert(1)</script>",
		long,
		"楼上漏水💧🏠 👨‍👩‍👧 ❤️ 𠀋",
		"  第一行\n第二行\t\r\n  ",
		`"quotes" & 'apostrophes' \ backslash`,
	} {
		w := f.postMessage(c, map[string]any{"id": "v" + strconv.Itoa(i), "text": text})
		wantStatus(t, w, 200)
		calls := f.eng.Calls()
		if got := calls[len(calls)-1].Text; got != text {
			t.Errorf("engine got %q…, want %q… verbatim (len %d vs %d)", truncate(got, 40), truncate(text, 40), len(got), len(text))
		}
	}
	if n := len([]rune(long)); n != 10000 {
		t.Fatalf("long text has %d characters", n)
	}
	// The transcript gives it back as JSON text, not HTML: no escaping to undo.
	r := withCookie(httptest.NewRequest("GET", "/chat/api/messages?after=0", nil), c)
	w := f.do(r)
	if !strings.Contains(w.Body.String(), `"text":"<script>alert(1)</script>"`) {
		t.Errorf("transcript does not carry the text as is: %.200s", w.Body)
	}
}

func TestBadMessages(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	for _, tc := range []struct {
		name, body string
		status     int
		says       string
	}{
		{"malformed JSON", `{"id": "x", "text": "漏水"`, 400, "malformed JSON"},
		{"not JSON", `text=漏水`, 400, "malformed JSON"},
		{"empty body", ``, 400, "empty"},
		{"empty text", `{"id":"x","text":""}`, 400, "empty"},
		{"blank text", `{"id":"x","text":" \n\t "}`, 400, "empty"},
		{"no text nor button", `{"id":"x"}`, 400, "empty"},
		{"no id", `{"text":"漏水"}`, 400, "id is required"},
		{"bad id", `{"id":"a b<c>","text":"漏水"}`, 400, "id:"},
		{"long id", `{"id":"` + strings.Repeat("a", 65) + `","text":"漏水"}`, 400, "id:"},
		{"text and button", `{"id":"x","text":"漏水","button":"cat:repair"}`, 400, "not both"},
		{"long button", `{"id":"x","button":"` + strings.Repeat("b", 65) + `"}`, 400, "button"},
		{"text not a string", `{"id":"x","text":42}`, 400, "text"},
		{"unknown field", `{"id":"x","text":"漏水","phone":"13812345678"}`, 400, "unknown field"},
		{"two objects", `{"id":"x","text":"a"}{"id":"y","text":"b"}`, 400, "one JSON object"},
		{"negative after", `{"id":"x","text":"漏水","after":-1}`, 400, "after"},
		{"over 64 KB", `{"id":"x","text":"` + strings.Repeat("水", 22000) + `"}`, 413, "64 KB"},
		{"over 64 KB after the object", `{"id":"x","text":"a"}` + strings.Repeat(" ", 70000), 413, "64 KB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := wantStatus(t, f.postJSON(c, tc.body), tc.status)
			if !strings.Contains(a.Error.Message, tc.says) {
				t.Errorf("message %q, want it to say %q", a.Error.Message, tc.says)
			}
		})
	}
	r := withCookie(httptest.NewRequest("POST", "/chat/api/messages?after=abc", strings.NewReader(`{"id":"x","text":"a"}`)), c)
	wantStatus(t, f.do(r), 400)
	if n := len(f.eng.Calls()); n != 0 {
		t.Errorf("the engine got %d bad messages", n)
	}
}

func TestEngineError(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	f.eng.setFailNext(1)
	secret := "我的电话 13812345678，楼上漏水"
	a := wantStatus(t, f.postMessage(c, map[string]any{"id": "e1", "text": secret}), 500)
	if a.Error.Code != "internal" || strings.Contains(a.Error.Message, "database") {
		t.Errorf("error %+v: want a generic message", a.Error)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, errEngineDown.Error()) {
		t.Errorf("the engine's error was not logged at error level: %s", logs)
	}
	if strings.Contains(logs, "13812345678") || strings.Contains(logs, "漏水") {
		t.Errorf("the owner's words were logged: %s", logs)
	}
	// The page retries with the same id, and this time it goes in.
	if a := wantStatus(t, f.postMessage(c, map[string]any{"id": "e1", "text": secret}), 200); a.Duplicate {
		t.Error("a message that failed was taken as a duplicate")
	}
}

func TestTranscriptPolling(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	get := func(query string) *httptest.ResponseRecorder {
		return f.do(withCookie(httptest.NewRequest("GET", "/chat/api/messages"+query, nil), c))
	}
	w := get("?after=0")
	if a := wantStatus(t, w, 200); len(a.Lines) != 0 || !strings.Contains(w.Body.String(), `"lines":[]`) {
		t.Fatalf("a new session's transcript: %s, want lines []", w.Body)
	}
	wantStatus(t, f.postMessage(c, map[string]any{"id": "p1", "text": "一"}), 200)
	wantStatus(t, f.postMessage(c, map[string]any{"id": "p2", "text": "二"}), 200)
	all := wantStatus(t, get(""), 200).Lines
	if len(all) != 4 || all[0].Text != "一" || all[2].Text != "二" || all[1].Choices[0].Label != "设施维修" {
		t.Fatalf("transcript %+v", all)
	}
	newer := wantStatus(t, get("?after="+strconv.FormatInt(all[1].ID, 10)), 200).Lines
	if len(newer) != 2 || newer[0].ID != all[2].ID {
		t.Errorf("after %d: %+v", all[1].ID, newer)
	}
	if a := wantStatus(t, get("?after=x"), 400); !strings.Contains(a.Error.Message, "after") {
		t.Errorf("bad after: %s", a.Error.Message)
	}
	// Another owner sees none of it.
	w = f.do(withCookie(httptest.NewRequest("GET", "/chat/api/messages?after=0", nil), f.newSession()))
	if a := wantStatus(t, w, 200); len(a.Lines) != 0 {
		t.Errorf("another session sees %d lines", len(a.Lines))
	}
}

func pngBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func photoRequest(t *testing.T, c *http.Cookie, id, caption, name string, data []byte) *http.Request {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if id != "" {
		mw.WriteField("id", id) //nolint:errcheck
	}
	if caption != "" {
		mw.WriteField("caption", caption) //nolint:errcheck
	}
	mw.WriteField("after", "0") //nolint:errcheck
	if data != nil {
		fw, err := mw.CreateFormFile("photo", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data) //nolint:errcheck
	}
	mw.Close() //nolint:errcheck
	r := httptest.NewRequest("POST", "/chat/api/photos", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return withCookie(r, c)
}

func TestPhotoUpload(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	data := pngBytes(t)
	a := wantStatus(t, f.do(photoRequest(t, c, "ph-1", "天花板<水渍>", `C:\Users\王\IMG_0001.png`, data)), 200)
	if len(f.files.Saved()) != 1 {
		t.Fatalf("saved %d files", len(f.files.Saved()))
	}
	saved := f.files.Saved()[0]
	if !bytes.Equal(saved.Data, data) || saved.MIME != "image/png" || saved.Name != "IMG_0001.png" {
		t.Errorf("saved %q %q (%d bytes)", saved.Name, saved.MIME, len(saved.Data))
	}
	in := f.eng.Calls()[0]
	if in.Kind != conversation.KindPhoto || in.Text != "天花板<水渍>" || in.MessageID != "web:"+sessionOf(c)+":ph-1" ||
		len(in.Attachments) != 1 || in.Attachments[0].Ref != "file:1" || in.Channel != cases.ChannelWeb {
		t.Errorf("photo inbound %+v", in)
	}
	if len(a.Lines) != 2 || a.Lines[0].Text != "[照片] 天花板<水渍>" {
		t.Errorf("lines %+v", a.Lines)
	}
	// Sent again (the answer was lost): the engine sees the same id.
	if a := wantStatus(t, f.do(photoRequest(t, c, "ph-1", "天花板<水渍>", "IMG_0001.png", data)), 200); !a.Duplicate {
		t.Error("the retried photo was not a duplicate")
	}
	// Without an id it still goes in, as a message of its own.
	wantStatus(t, f.do(photoRequest(t, c, "", "", "", data)), 200)
	if calls := f.eng.Calls(); calls[2].MessageID == calls[0].MessageID || f.files.Saved()[2].Name != "photo.png" {
		t.Errorf("photo without id: %+v, saved as %q", calls[2], f.files.Saved()[2].Name)
	}
}

func TestBadPhotos(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	huge := append(pngBytes(t), make([]byte, cases.MaxFileBytes)...)
	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
		says   string
	}{
		{"over 10 MB", photoRequest(t, c, "b1", "", "big.png", huge), 413, "10 MB"},
		{"not an image", photoRequest(t, c, "b2", "", "fake.png", []byte("<html><script>alert(1)</script></html>")), 400, "not an image"},
		{"svg", photoRequest(t, c, "b3", "", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)), 400, "not an image"},
		{"empty photo", photoRequest(t, c, "b4", "", "empty.png", []byte{}), 400, "empty"},
		{"no photo", photoRequest(t, c, "b5", "说明", "", nil), 400, "no photo"},
		{"bad id", photoRequest(t, c, "<b6>", "", "p.png", pngBytes(t)), 400, "id:"},
		{"not multipart", withCookie(httptest.NewRequest("POST", "/chat/api/photos", strings.NewReader(`{"id":"x"}`)), c), 400, "multipart"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := wantStatus(t, f.do(tc.req), tc.status)
			if !strings.Contains(a.Error.Message, tc.says) {
				t.Errorf("message %q, want it to say %q", a.Error.Message, tc.says)
			}
		})
	}
	if len(f.files.Saved()) != 0 || len(f.eng.Calls()) != 0 {
		t.Errorf("bad photos went through: %d saved, %d messages", len(f.files.Saved()), len(f.eng.Calls()))
	}
}

func TestSniffImage(t *testing.T) {
	heic := append([]byte{0, 0, 0, 24}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...)
	for data, want := range map[string]string{
		string(pngBytes(t)):                "image/png",
		"\xff\xd8\xff\xe0\x00\x10JFIF\x00": "image/jpeg",
		"GIF89a\x01\x00\x01\x00":           "image/gif",
		string(heic):                       "image/heic",
		"%PDF-1.7\n":                       "",
		"hello":                            "",
	} {
		if got := sniffImage([]byte(data)); got != want {
			t.Errorf("sniffImage(%.12q) = %q, want %q", data, got, want)
		}
	}
}

func TestLanguageHint(t *testing.T) {
	for header, want := range map[string]string{
		"":                        "",
		"zh-CN,zh;q=0.9,en;q=0.8": "zh-CN",
		"en;q=0.5, zh-TW;q=0.9":   "zh-TW",
		"*":                       "",
		"zh-Hant-TW":              "zh-Hant-TW",
		"<script>, en-US;q=0.1":   "", // malformed: no hint
		"zh-HK;q=0.8, en;q=0.9":   "en",
		"fr;q=0, de":              "de",
		"en-GB;q=abc,ja":          "",
	} {
		if got := languageHint(header); got != want {
			t.Errorf("languageHint(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	f := newFixture(t)
	for name, ctype := range map[string]string{
		"chat.js":  "text/javascript; charset=utf-8",
		"chat.css": "text/css; charset=utf-8",
		"icon.svg": "image/svg+xml",
	} {
		w := f.do(httptest.NewRequest("GET", "/chat/static/"+name, nil))
		if w.Code != 200 || w.Header().Get("Content-Type") != ctype || w.Body.Len() == 0 {
			t.Errorf("%s: %d %q", name, w.Code, w.Header().Get("Content-Type"))
			continue
		}
		// Offline: nothing is fetched from anywhere but heed itself.
		if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`).FindString(
			strings.ReplaceAll(w.Body.String(), `xmlns="http://www.w3.org/2000/svg"`, "")); m != "" {
			t.Errorf("%s refers to %s: the page must work offline", name, m)
		}
		r := httptest.NewRequest("GET", "/chat/static/"+name, nil)
		r.Header.Set("If-None-Match", w.Header().Get("ETag"))
		if w := f.do(r); w.Code != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d, want 304", name, w.Code)
		}
	}
	for _, p := range []string{"/chat/static/nope.js", "/chat/static/index.html", "/chat/static/../web.go"} {
		if w := f.do(httptest.NewRequest("GET", p, nil)); w.Code != 404 && w.Code != 301 && w.Code != 307 {
			t.Errorf("%s: %d", p, w.Code)
		}
	}
	page := f.do(httptest.NewRequest("GET", "/", nil)).Body.String()
	for _, want := range []string{`lang="zh-CN"`, "请描述您遇到的问题…", ">发送<", "📷", `aria-live="polite"`, `<label for="text"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(page, "http") {
		t.Error("the page refers to another site")
	}
}

func TestAPIRouting(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	wantStatus(t, f.do(withCookie(httptest.NewRequest("GET", "/chat/api/nothing", nil), c)), 404)
	w := f.do(withCookie(httptest.NewRequest("PUT", "/chat/api/messages", nil), c))
	wantStatus(t, w, 405)
	if w.Header().Get("Allow") == "" {
		t.Error("405 without Allow")
	}
	wantStatus(t, f.do(withCookie(httptest.NewRequest("GET", "/chat/api/photos", nil), c)), 405)

	// A form on another site cannot post in the owner's name.
	r := httptest.NewRequest("POST", "/chat/api/messages", strings.NewReader(`{"id":"x","text":"漏水"}`))
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	wantStatus(t, f.do(withCookie(r, c)), 403)
	if n := len(f.eng.Calls()); n != 0 {
		t.Errorf("the engine got %d messages", n)
	}
	if w := f.do(httptest.NewRequest("GET", "/other", nil)); w.Code != 404 {
		t.Errorf("GET /other: %d: the page is only at /", w.Code)
	}
}

func TestNoBodiesInLogs(t *testing.T) {
	f := newFixture(t)
	c := f.newSession()
	wantStatus(t, f.postMessage(c, map[string]any{"id": "l1", "text": "联系电话 13900001111"}), 200)
	wantStatus(t, f.postJSON(c, `{"id":"l2","text":"13900001111"`), 400)
	wantStatus(t, f.do(photoRequest(t, c, "l3", "13900001111", "a.png", pngBytes(t))), 200)
	if logs := f.logs.String(); strings.Contains(logs, "13900001111") {
		t.Errorf("a phone number reached the logs: %s", logs)
	}
}
