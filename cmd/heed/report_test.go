package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases/casestest"
)

// TestReportLanguages: ?lang, Accept-Language and heed report --lang give
// the reports in English or Traditional Chinese; anything else is refused
// with the accepted values named.
func TestReportLanguages(t *testing.T) {
	h := startHeed(t)
	c := phoneComplaint()
	c["contact_phone"] = ""
	if r := h.api("POST", "/api/v1/cases", c); r.status != 201 {
		t.Fatalf("create: %s", r.raw)
	}
	year := time.Now().Format("2006")

	r := h.api("GET", "/api/v1/reports/analysis?lang=en&period="+year, nil)
	if r.status != 200 || r.body["lang"] != "en" || r.body["total"] != float64(1) {
		t.Fatalf("en analysis: %d %.300s", r.status, r.raw)
	}
	if !strings.Contains(r.raw, `"name": "Phone"`) {
		t.Errorf("the en analysis does not name the phone channel in English: %.600s", r.raw)
	}
	if r := h.api("GET", "/api/v1/reports/analysis?period="+year, nil); r.body["lang"] != "zh-CN" || !strings.Contains(r.raw, `"name": "电话"`) {
		t.Errorf("default analysis: %.300s", r.raw)
	}
	csv := h.api("GET", "/api/v1/reports/register?format=csv&lang=en&period="+year, nil)
	if csv.status != 200 || !strings.HasPrefix(csv.raw, "\ufeffSerial No.,Received at,") {
		t.Errorf("en register: %d %.200q", csv.status, csv.raw)
	}
	bad := h.api("GET", "/api/v1/reports/register?format=csv&lang=fr&period="+year, nil)
	if bad.status != 400 || bad.errField() != "lang" || !strings.Contains(bad.errMessage(), "zh-CN, zh-TW or en") {
		t.Errorf("lang=fr: %d %s", bad.status, bad.raw)
	}

	// A browser asking for Traditional Chinese gets it; ?lang wins over the header.
	get := func(path, accept string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", h.base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept-Language", accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, html := get("/api/v1/reports/analysis?format=html&period="+year, "zh-TW,zh;q=0.9,en;q=0.8")
	if res.StatusCode != 200 || res.Header.Get("Content-Language") != "zh-TW" || !strings.Contains(html, "排列圖") || strings.Contains(html, "排列图") {
		t.Errorf("zh-TW html: %d %s %.300s", res.StatusCode, res.Header.Get("Content-Language"), html)
	}
	res, html = get("/api/v1/reports/analysis?format=html&lang=zh-CN&period="+year, "en-US,en")
	if res.Header.Get("Content-Language") != "zh-CN" || !strings.Contains(html, "排列图") {
		t.Errorf("?lang=zh-CN with an English browser: %s", res.Header.Get("Content-Language"))
	}

	// The command.
	env := func(k string) string { return map[string]string{"DATABASE_URL": h.dsn}[k] }
	cfg := filepath.Join(casestest.Root(t), "examples", "heed.yaml")
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"report", "--config", cfg, "--period", year, "--format", "csv", "--lang", "en"}, env, &out, &errb); code != 0 {
		t.Fatalf("heed report --lang en: %d %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), "\ufeffSerial No.,") {
		t.Errorf("heed report --lang en: %.100q", out.String())
	}
	out.Reset()
	if code := Main(context.Background(), []string{"report", "--config", cfg, "--period", year, "--lang", "zh-TW"}, env, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), `"lang": "zh-TW"`) {
		t.Errorf("heed report --lang zh-TW: %d %.200s", code, out.String())
	}
	// From the project root without --config, as the README shows it:
	// the demo company, said so on stderr.
	t.Chdir(casestest.Root(t))
	out.Reset()
	errb.Reset()
	if code := Main(context.Background(), []string{"report", "--period", year, "--format", "html"}, env, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "排列图") || !strings.Contains(errb.String(), "using examples/heed.yaml") {
		t.Errorf("heed report from the project root: %d %q %.100s", code, errb.String(), out.String())
	}
	t.Chdir(t.TempDir())
	errb.Reset()
	if code := Main(context.Background(), []string{"report", "--period", year}, env, io.Discard, &errb); code == 0 ||
		!strings.Contains(errb.String(), "pass --config FILE") {
		t.Errorf("heed report with no configuration anywhere: %d %q", code, errb.String())
	}
	errb.Reset()
	if code := Main(context.Background(), []string{"report", "--config", cfg, "--lang", "de"}, env, io.Discard, &errb); code == 0 ||
		!strings.Contains(errb.String(), "zh-CN, zh-TW or en") {
		t.Errorf("heed report --lang de: %d %q", code, errb.String())
	}
}
