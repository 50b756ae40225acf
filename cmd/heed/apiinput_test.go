package main

import (
	"bytes"
	"fmt"
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

// TestNoServerErrorForAnyClientInput throws malformed, mistyped, oversized
// and unknown input at the API's main endpoints, with a person's and the
// integration's token: each answer is 4xx with a reason, never 5xx.
func TestNoServerErrorForAnyClientInput(t *testing.T) {
	h := startHeed(t)
	serial := h.api("POST", "/api/v1/cases", phoneComplaint()).body["serial"].(string)
	huge := `{"text":"` + strings.Repeat("a", 3<<20) + `"}`
	bodies := []any{`{`, `[]`, `null`, `"text"`, `12`, `{"action": 12}`, `{"action": ["reply"]}`, `{"actor": {"id": "x"}}`,
		`{"text": "a"} {"text": "b"}`, `{"satisfied": "yes", "action": "feedback"}`, `{"timeliness": 1e400}`,
		`{"serials": "TS-1"}`, `{"communities": [1, 2]}`, `{"cases": [null]}`, `{"closes_in": 7}`, `{"due": "tomorrow", "action": "review"}`,
		`{"received_at": "0001-01-01T00:00:00Z"}`, `{"key": "` + strings.Repeat("k", 5000) + `"}`, "{\"text\": \"\xff\xfe\"}",
		`{"action": "note", "text": "a\u0000b"}`, `{"customer_name": "\u0000", "channel": "phone", "content": "x\u0000"}`,
		`{"action": "note", "text": "fine"}`, huge, ``}
	paths := []struct{ method, path string }{
		{"POST", "/api/v1/cases"},
		{"POST", "/api/v1/cases/" + serial + "/transitions"},
		{"POST", "/api/v1/cases/TS-2026-999999/transitions"},
		{"POST", "/api/v1/cases/%00%ff/transitions"},
		{"POST", "/api/v1/cases/" + serial + "/links"},
		{"POST", "/api/v1/bulletins"},
		{"POST", "/api/v1/surveys"},
		{"POST", "/api/v1/surveys/999999/close"},
		{"POST", "/api/v1/surveys/99999999999999999999/publish"},
		{"POST", "/api/v1/outbox/999999/retry"},
		{"POST", "/api/v1/outbox/-1/retry"},
	}
	gets := []string{"/api/v1/cases/TS-2026-999999", "/api/v1/cases/" + strings.Repeat("x", 5000), "/api/v1/cases/%ff",
		"/api/v1/bulletins/999999", "/api/v1/bulletins/abc", "/api/v1/bulletins/99999999999999999999", "/api/v1/surveys/-5",
		"/api/v1/surveys/0", "/api/v1/cases?page=99999999999", "/api/v1/cases?per_page=100000000", "/api/v1/cases?page=0",
		"/api/v1/cases?status=%ff", "/api/v1/cases?overdue=maybe", "/api/v1/cases?channel=%00", "/api/v1/reports/nothing",
		"/api/v1/reports/analysis?format=pdf", "/api/v1/reports/register?lang=xx", "/api/v1/cases?page=9223372036854775807&per_page=100",
		"/api/v1/cases?category=%00", "/api/v1/cases?community=%ff%fe", "/api/v1/cases?department=a%00b"}
	check := func(name string, r reply) {
		t.Helper()
		if r.status < 400 && r.status != 200 || r.status >= 500 {
			t.Errorf("%s: %d %.300s", name, r.status, r.raw)
		}
		if r.status >= 400 && r.errMessage() == "" {
			t.Errorf("%s: %d without a reason: %.300s", name, r.status, r.raw)
		}
	}
	for _, who := range []string{h.tokenFor("cs.zhoumin"), token} {
		for _, p := range paths {
			for _, b := range bodies {
				r := h.do(p.method, p.path, who, b)
				if r.status == 200 || r.status == 201 {
					continue // a body that happens to be acceptable (e.g. {} to close a survey)
				}
				check(p.method+" "+p.path+" "+fmt.Sprintf("%.40q", b), r)
			}
		}
		for _, g := range gets {
			check("GET "+g, h.do("GET", g, who, nil))
		}
	}
	// The refusals name what is wrong.
	if r := h.do("POST", "/api/v1/cases/"+serial+"/transitions", h.tokenFor("cs.zhoumin"), `{"action": "note", "text": "a\u0000b"}`); r.status != 400 || r.errField() != "text" {
		t.Errorf("NUL in text: %d %s", r.status, r.raw)
	}
	if r := h.api("GET", "/api/v1/cases?channel=%00", nil); r.status != 400 || r.errField() != "channel" {
		t.Errorf("NUL in a filter: %d %s", r.status, r.raw)
	}
	if r := h.api("GET", "/api/v1/cases?page=9223372036854775807", nil); r.status != 400 || r.errField() != "page" {
		t.Errorf("a page past the end of numbers: %d %s", r.status, r.raw)
	}
}

// An API client cannot attach a file heed stored from an owner's chat
// ("file:N") to a case it records: the desk would then show that upload
// to whoever opens the made-up case.
func TestAPICannotAttachStoredFiles(t *testing.T) {
	h := startHeed(t)
	c := phoneComplaint()
	c["attachments"] = []map[string]any{{"kind": "photo", "ref": " file:1"}}
	r := h.api("POST", "/api/v1/cases", c)
	if r.status != 400 || !strings.Contains(r.raw, "attachments[0].ref") {
		t.Errorf("a stored file attached through the API: %d %s", r.status, r.raw)
	}
	var n int
	if err := h.db.QueryRow(`SELECT count(*) FROM cases`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d cases recorded (%v)", n, err)
	}
	c["attachments"] = []map[string]any{{"kind": "photo", "ref": "https://files.example.com/ceiling.jpg"}}
	if r := h.api("POST", "/api/v1/cases", c); r.status != 201 {
		t.Errorf("a photo by its address: %d %s", r.status, r.raw)
	}
}
