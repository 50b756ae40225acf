package main

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/heedhq/heed/cases/casestest"
)

// TestWebChatLimitsAsServed: heed serve with an https public URL sets a
// Secure cookie over plain http (as behind the TLS proxy), and one session
// flooding the web chat is answered 429 while nothing of the excess is
// stored.
func TestWebChatLimitsAsServed(t *testing.T) {
	h := startHeedOn(t, casestest.URL(t), map[string]string{"HEED_PUBLIC_URL": "https://heed.example.com"})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	res, err := client.Get(h.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var secure bool
	for _, c := range res.Cookies() {
		secure = secure || c.Name == "heed_chat" && c.Secure
	}
	if !secure {
		t.Fatalf("cookie without Secure: %v", res.Header.Values("Set-Cookie"))
	}
	// The jar keeps a Secure cookie for https only: send it by hand.
	cookie := res.Cookies()[0]
	codes := map[int]int{}
	for i := range 60 {
		req, _ := http.NewRequest("POST", h.base+"/chat/api/messages", strings.NewReader(fmt.Sprintf(`{"id":"m%d","text":"你好"}`, i)))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		codes[res.StatusCode]++
	}
	var stored int
	h.db.Get(&stored, `SELECT count(*) FROM inbound_messages WHERE channel = 'web'`)
	if codes[200] != 10 || codes[429] != 50 || stored != 10 {
		t.Fatalf("60 messages at once: answers %v, %d stored; want 10 taken (the default burst), 50 refused", codes, stored)
	}
}

// TestWebChatOddTextIsKept: text a browser can send that PostgreSQL cannot
// store as is (a NUL character, invalid UTF-8 in a caption) is kept with
// the character dropped or replaced, and answered — never a 5xx.
func TestWebChatOddTextIsKept(t *testing.T) {
	h := startHeed(t)
	res, err := http.Get(h.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookie := res.Cookies()[0]
	for i, body := range []string{`{"id":"n1","text":"楼道灯\u0000坏了"}`, "{\"id\":\"n2\",\"text\":\"\xff\xfe灯\"}",
		`{"id":"n3","button":"x\u0000y"}`} {
		req, _ := http.NewRequest("POST", h.base+"/chat/api/messages", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("message %d: %d", i, res.StatusCode)
		}
	}
	var kept int
	h.db.Get(&kept, `SELECT count(*) FROM transcript WHERE channel = 'web' AND sender = 'owner' AND text LIKE '楼道灯%坏了'`)
	if kept != 1 {
		t.Errorf("the text with a NUL is not in the transcript (%d rows)", kept)
	}
}
