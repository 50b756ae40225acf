package main

import (
	"bufio"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases/casestest"
)

// TestDeskLiveThroughHeedServe: heed serve's desk streams a complaint
// recorded through the API to a signed-in page at once, and shutting heed
// down ends the stream instead of waiting on it.
func TestDeskLiveThroughHeedServe(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrfMeta := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		res, err := cl.Get(h.base + path)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := csrfMeta.FindSubmatch(page)
		if m == nil {
			t.Fatalf("no CSRF token on %s: %d", path, res.StatusCode)
		}
		form.Set("csrf", string(m[1]))
		res, err = cl.PostForm(h.base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}

	// 周敏 signs in by the link heed sends to her Telegram chat.
	post("/desk/signin", url.Values{"who": {"13900000701"}})
	var link string
	waitFor(t, "the sign-in link in 周敏's Telegram chat", func() bool {
		for _, c := range fake.Sent("6100000701") {
			if l := regexp.MustCompile(`/desk/link/[\w-]+`).FindString(c.Params["text"]); l != "" {
				link = l
			}
		}
		return link != ""
	})
	if res := post(link, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("opening the link: %d", res.StatusCode)
	}

	res, err := cl.Get(h.base + "/desk/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET /desk/events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	data := make(chan string, 8)
	go func() {
		defer close(data)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data:"); ok {
				data <- strings.TrimSpace(d)
			}
		}
	}()

	r := h.api("POST", "/api/v1/cases", phoneComplaint())
	serial, _ := r.body["serial"].(string)
	if r.status != 201 || serial == "" {
		t.Fatalf("recording a complaint: %d %s", r.status, r.raw)
	}
	select {
	case got := <-data:
		if got != serial {
			t.Errorf("the page hears %q, want %s", got, serial)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the page heard nothing of the new complaint")
	}

	start := time.Now()
	h.stop()
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("heed serve took %s to shut down with a page open", took)
	}
	select {
	case _, open := <-data:
		if open {
			t.Error("the stream goes on after heed stopped")
		}
	case <-time.After(5 * time.Second):
		t.Error("the stream outlived heed serve")
	}
}
