package main

import (
	"bytes"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases/casestest"
)

// TestOddPeriodsAre400 sends the periods a client can type, sane or not, to
// the reports and the case list: a period outside 2000–2100 is refused
// naming the field, and nothing answers 5xx. heed report says the same.
func TestOddPeriodsAre400(t *testing.T) {
	h := startHeed(t)
	year := time.Now().Format("2006")
	ok := []string{year, year + "-Q1", year + "-H2", year + "-11", "2000-01-01..2000-01-31", "2100-12-01..2100-12-31"}
	bad := []string{"0001-01-01..9999-12-31", "9999-12-01..9999-12-31", "1999-12-31..2026-01-01", "2026-01-01..2101-01-01",
		"0000", "1999", "2101", "9999-Q4", "0001-H1", "2026-13", "2026-Q5", "-001", "20260", "..", "2026-01-01..",
		"２０２６", "2026-02-30..2026-03-01", "2026-03-01..2026-02-01", strings.Repeat("9", 400), "2026\x00"}
	get := func(path string) reply {
		r := h.api("GET", path, nil)
		if r.status >= 500 {
			t.Errorf("%s: %d %s", path, r.status, r.raw)
		}
		return r
	}
	for _, p := range ok {
		for _, path := range []string{"/api/v1/reports/analysis?period=", "/api/v1/reports/register?format=csv&period="} {
			if r := get(path + url.QueryEscape(p)); r.status != 200 {
				t.Errorf("%s%s: %d %.200s", path, p, r.status, r.raw)
			}
		}
	}
	for _, p := range bad {
		for _, path := range []string{"/api/v1/reports/analysis?period=", "/api/v1/reports/register?format=xlsx&period="} {
			if r := get(path + url.QueryEscape(p)); r.status != 400 || r.errField() != "period" {
				t.Errorf("%s%q: %d %.200q", path, p, r.status, r.raw)
			}
		}
	}
	// The case list reads its own periods and from/to dates.
	list := map[string]string{"period=0001": "period", "period=9999-Q4": "period", "period=9999-12": "period",
		"period=-001": "period", "from=0001-01-01": "from", "to=9999-12-31": "to",
		"from=0001-01-01T00:00:00Z": "from", "to=9999-12-31T23:59:59%2B14:00": "to", "period=1999-12": "period"}
	for q, field := range list {
		if r := get("/api/v1/cases?" + q); r.status != 400 || r.errField() != field {
			t.Errorf("cases?%s: %d %.200s", q, r.status, r.raw)
		}
	}
	if r := get("/api/v1/cases?period=" + year + "&from=2000-01-01&to=2100-12-31"); r.status != 200 {
		t.Errorf("a sane list: %d %.200s", r.status, r.raw)
	}

	cfg := filepath.Join(casestest.Root(t), "examples", "heed.yaml")
	var stderr bytes.Buffer
	env := func(k string) string { return map[string]string{"DATABASE_URL": h.dsn}[k] }
	code := Main(t.Context(), []string{"report", "--config", cfg, "--period", "0001-01-01..9999-12-31"}, env, io.Discard, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "period") || !strings.Contains(stderr.String(), "2000") {
		t.Errorf("heed report --period 0001-01-01..9999-12-31: exit %d, %s", code, stderr.String())
	}
}
