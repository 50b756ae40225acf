package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/bots/api"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

const token = "test-token-7f3a"

// heed is a running `heed serve` on :0 against its own fresh database.
type heed struct {
	t      testing.TB
	base   string
	db     *sqlx.DB
	stdout *bytes.Buffer
	stop   func() // shut heed down now (it also stops when the test ends)
	dsn    string

	mu     sync.Mutex
	tokens map[string]string // person tokens handed out, by staff id
}

func startHeed(t testing.TB) *heed {
	t.Helper()
	return startHeedOn(t, casestest.URL(t), nil)
}

// startHeedOn runs heed serve against dsn with extra environment.
func startHeedOn(t testing.TB, dsn string, extra map[string]string) *heed {
	t.Helper()
	return startHeedOnWith(t, dsn, filepath.Join(casestest.Root(t), "examples", "heed.yaml"), extra)
}

// startHeedOnWith is startHeedOn with a configuration file of the test's own.
func startHeedOnWith(t testing.TB, dsn, cfg string, extra map[string]string) *heed {
	t.Helper()
	// Platform rate limits are the outbox's own tests' business; here they
	// would only make every conversation wait a second per answer.
	env := map[string]string{"DATABASE_URL": dsn, "HEED_LISTEN": "127.0.0.1:0", "HEED_API_TOKEN": token, "HEED_RATE_LIMITS": "off",
		"HEED_QUARTERLY_REPORT": "off"}
	for k, v := range extra {
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	var stdout bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--config", cfg}, func(k string) string { return env[k] }, &stdout, io.Discard,
			func(a string) { addr <- a })
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("heed serve stopped: %v", err)
	case <-time.After(2 * time.Minute):
		// Start-up trains the understanding models (half a second on a quiet
		// machine): under -race, with every package's tests running on two
		// cores, that took over 30 s.
		t.Fatal("heed serve did not start")
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("heed serve: %v", err)
		}
	}
	t.Cleanup(stop)
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &heed{t: t, base: base, db: db, stdout: &stdout, stop: stop, dsn: dsn}
}

type reply struct {
	status int
	body   map[string]any
	raw    string
}

func (h *heed) do(method, path, auth string, body any) reply {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, h.base+path, rd)
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := reply{status: res.StatusCode, raw: string(raw)}
	json.Unmarshal(raw, &r.body)
	return r
}

// api calls the API as the body's "actor" with that person's own token, or
// with the integration token when the body names no one.
func (h *heed) api(method, path string, body any) reply {
	var actor string
	switch b := body.(type) {
	case map[string]any:
		actor, _ = b["actor"].(string)
	case map[string]string:
		actor = b["actor"]
	}
	if actor == "" {
		return h.do(method, path, token, body)
	}
	return h.do(method, path, h.tokenFor(actor), body)
}

// tokenFor is a person token of staff id person, made once per heed.
func (h *heed) tokenFor(person string) string {
	h.t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if t, ok := h.tokens[person]; ok {
		return t
	}
	secret, _, err := api.CreateToken(context.Background(), h.db, person, "test-"+person, 0, false, time.Now())
	if err != nil {
		h.t.Fatalf("token for %s: %v", person, err)
	}
	if h.tokens == nil {
		h.tokens = map[string]string{}
	}
	h.tokens[person] = secret
	return secret
}

func (h *heed) cases() int {
	var n int
	h.db.Get(&n, `SELECT count(*) FROM cases`)
	return n
}

func (r reply) errField() string {
	e, _ := r.body["error"].(map[string]any)
	f, _ := e["field"].(string)
	return f
}

func (r reply) errMessage() string {
	e, _ := r.body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func phoneComplaint() map[string]any {
	return map[string]any{
		"actor": "front.xu", "channel": "phone", "customer_name": "王女士", "contact_phone": "138 1234 5678",
		"community": "星河湾", "unit": "3栋2单元1102", "content": "楼上漏水很严重，天花板在滴水",
		"purpose": "尽快维修并赔偿吊顶", "category": "repair",
	}
}

func TestServeRunsTheWholeProcedureThroughTheAPI(t *testing.T) {
	h := startHeed(t)
	for _, want := range []string{"listening  http://127.0.0.1:", "api        ", "星河物业", "telegram   off"} {
		if !strings.Contains(h.stdout.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, h.stdout)
		}
	}
	r := h.api("POST", "/api/v1/cases", phoneComplaint())
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	serial := r.body["serial"].(string)
	if r.body["contact_phone"] != "13812345678" || r.body["community"] != "xinghewan" || r.body["recorded_by"] != "front.xu" {
		t.Fatalf("created record: %s", r.raw)
	}
	// The example company dispatches automatically to the category's department.
	if r.body["status"] != "dispatched" || r.body["department"] != "engineering" {
		t.Fatalf("not dispatched to 工程部 on creation: %s", r.raw)
	}
	steps := []map[string]any{
		{"actor": "eng.li", "action": "acknowledge", "handler": "eng.zhang"},
		{"actor": "eng.zhang", "action": "propose_measures", "text": "今日下午更换楼上防水层"},
		{"actor": "cs.zhoumin", "action": "review", "text": "同意"},
		{"actor": "cs.zhoumin", "action": "reply", "text": "今日下午工程部上门维修"},
		{"actor": "cs.zhoumin", "action": "feedback", "satisfied": true, "text": "业主电话表示满意"},
		{"actor": "cs.zhoumin", "action": "verify", "timeliness": 5, "satisfaction": 5, "attitude": 5},
		{"actor": "cs.zhoumin", "action": "close", "result": "已修复"},
	}
	for _, st := range steps {
		r := h.api("POST", "/api/v1/cases/"+serial+"/transitions", st)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", st["action"], r.status, r.raw)
		}
	}
	r = h.api("GET", "/api/v1/cases/"+serial, nil)
	if r.status != 200 || r.body["status"] != "closed" {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}
	var actions []string
	for _, e := range r.body["events"].([]any) {
		ev := e.(map[string]any)
		actions = append(actions, ev["action"].(string)+":"+ev["actor_id"].(string))
	}
	want := "create:front.xu dispatch:system acknowledge:eng.li propose_measures:eng.zhang review:cs.zhoumin " +
		"reply:cs.zhoumin feedback:cs.zhoumin verify:cs.zhoumin close:cs.zhoumin"
	if strings.Join(actions, " ") != want {
		t.Fatalf("events:\n%s\nwant\n%s", strings.Join(actions, " "), want)
	}
	if d := r.body["deadlines"].([]any); len(d) < 6 {
		t.Fatalf("deadlines: %v", d)
	}
	// The case shows up in the register with its filters.
	for q, n := range map[string]float64{
		"status=closed": 1, "status=received,dispatched": 0, "category=repair": 1, "category=noise": 0,
		"department=engineering": 1, "community=翠湖苑": 0, "community=xinghewan": 1,
		"period=" + time.Now().Format("2006"): 1, "period=2020-Q1": 0, "overdue=true": 0,
	} {
		r := h.api("GET", "/api/v1/cases?"+q, nil)
		if r.status != 200 || r.body["total"] != n {
			t.Errorf("list ?%s: %d total=%v, want %v", q, r.status, r.body["total"], n)
		}
	}
	m := h.do("GET", "/metrics", "", nil)
	if !strings.Contains(m.raw, `heed_cases{status="closed"} 1`) || !strings.Contains(m.raw, "heed_http_requests_total") {
		t.Errorf("metrics lack case counts:\n%.500s", m.raw)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := h.do("GET", p, "", nil); r.status != 200 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
}

func TestAPIRefusesBadInputAndWritesNothing(t *testing.T) {
	h := startHeed(t)
	created := h.api("POST", "/api/v1/cases", phoneComplaint())
	serial := created.body["serial"].(string)
	with := func(k string, v any) map[string]any {
		c := phoneComplaint()
		c[k] = v
		return c
	}
	tests := []struct {
		name, method, path, auth string
		body                     any
		status                   int
		field                    string
	}{
		{"no token", "GET", "/api/v1/cases", "", nil, 401, ""},
		{"wrong token", "POST", "/api/v1/cases", "guess", phoneComplaint(), 401, ""},
		{"malformed JSON", "POST", "/api/v1/cases", token, `{"actor": "front.xu",`, 400, "body"},
		{"not an object", "POST", "/api/v1/cases", token, `[1,2]`, 400, ""},
		{"empty body", "POST", "/api/v1/cases", token, ``, 400, "body"},
		{"unknown field", "POST", "/api/v1/cases", token, with("colour", "red"), 400, "colour"},
		{"unknown category", "POST", "/api/v1/cases", token, with("category", "weather"), 400, "category"},
		{"invalid phone", "POST", "/api/v1/cases", token, with("contact_phone", "12345"), 400, "contact_phone"},
		{"100 KB text", "POST", "/api/v1/cases", token, with("content", strings.Repeat("漏", 35000)), 400, "content"},
		{"2 MB body", "POST", "/api/v1/cases", token, with("content", strings.Repeat("x", 2<<20)), 413, "body"},
		{"owner chat channel", "POST", "/api/v1/cases", token, with("channel", "telegram"), 400, "channel"},
		{"unknown actor", "POST", "/api/v1/cases", token, with("actor", "nobody"), 401, ""},
		{"wrong type", "POST", "/api/v1/cases", token, with("complainants", "many"), 400, "complainants"},
		{"unknown department", "POST", "/api/v1/cases/" + serial + "/transitions", token,
			map[string]any{"actor": "cs.zhoumin", "action": "dispatch", "department": "marketing"}, 400, "department"},
		{"unknown action", "POST", "/api/v1/cases/" + serial + "/transitions", token,
			map[string]any{"actor": "cs.zhoumin", "action": "teleport"}, 400, "action"},
		{"unknown serial", "GET", "/api/v1/cases/TS-1999-000001", token, nil, 404, ""},
		{"not allowed from state", "POST", "/api/v1/cases/" + serial + "/transitions", token,
			map[string]any{"actor": "cs.zhoumin", "action": "close"}, 409, ""},
		{"not this person's step", "POST", "/api/v1/cases/" + serial + "/transitions", token,
			map[string]any{"actor": "eng.li", "action": "reply", "text": "修好了"}, 403, ""},
		{"bad filter", "GET", "/api/v1/cases?status=lost", token, nil, 400, "status"},
		{"bad period", "GET", "/api/v1/cases?period=someday", token, nil, 400, "period"},
		{"unknown endpoint", "GET", "/api/v1/owners", token, nil, 404, ""},
	}
	before := h.cases()
	var events int
	h.db.Get(&events, `SELECT count(*) FROM case_events`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do(tc.method, tc.path, tc.auth, tc.body)
			if tc.auth == token {
				r = h.api(tc.method, tc.path, tc.body) // as the body's actor, with their token
			}
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.raw)
			}
			if r.errMessage() == "" {
				t.Fatalf("no error message: %s", r.raw)
			}
			if tc.field != "" && r.errField() != tc.field {
				t.Fatalf("field %q, want %q: %s", r.errField(), tc.field, r.raw)
			}
		})
	}
	var eventsAfter int
	h.db.Get(&eventsAfter, `SELECT count(*) FROM case_events`)
	if h.cases() != before || eventsAfter != events {
		t.Fatalf("refused requests wrote: cases %d→%d, events %d→%d", before, h.cases(), events, eventsAfter)
	}
}

func TestAPIAcknowledgeRace(t *testing.T) {
	h := startHeed(t)
	serial := h.api("POST", "/api/v1/cases", phoneComplaint()).body["serial"].(string) // dispatched on creation
	var wg sync.WaitGroup
	results := make([]reply, 2)
	for i, who := range []string{"eng.li", "eng.gao"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = h.api("POST", "/api/v1/cases/"+serial+"/transitions", map[string]any{"actor": who, "action": "acknowledge"})
		}()
	}
	wg.Wait()
	codes := fmt.Sprint(results[0].status, results[1].status)
	if codes != "200 409" && codes != "409 200" {
		t.Fatalf("statuses %s, want one 200 and one 409", codes)
	}
	for _, r := range results {
		if r.status == 409 && !strings.Contains(r.errMessage(), "already acknowledged by") {
			t.Fatalf("loser told %q", r.errMessage())
		}
	}
}

func TestMigrateCommandAndSchemaCheck(t *testing.T) {
	dsn := casestest.EmptyURL(t)
	env := func(k string) string { return map[string]string{"DATABASE_URL": dsn}[k] }
	cfg := filepath.Join(casestest.Root(t), "examples", "heed.yaml")
	// An empty database is refused by serve --no-migrate, and nothing is created.
	var errb bytes.Buffer
	if code := Main(context.Background(), []string{"serve", "--no-migrate", "--config", cfg}, env, io.Discard, &errb); code != 1 ||
		!strings.Contains(errb.String(), "run `heed migrate`") {
		t.Fatalf("serve --no-migrate on an empty database: %d %q", code, errb.String())
	}
	// Two heed migrate at once, then once more: all succeed, one schema.
	outs := make([]bytes.Buffer, 3)
	codes := make([]int, 3)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = Main(context.Background(), []string{"migrate"}, env, &outs[i], io.Discard)
		}()
	}
	wg.Wait()
	codes[2] = Main(context.Background(), []string{"migrate"}, env, &outs[2], io.Discard)
	for i := range 3 {
		if codes[i] != 0 || !strings.Contains(outs[i].String(), fmt.Sprintf("schema at version %d", latestMigration())) {
			t.Fatalf("heed migrate #%d: exit %d, %q", i+1, codes[i], outs[i].String())
		}
	}
	var out bytes.Buffer
	if code := Main(context.Background(), []string{"version"}, env, &out, io.Discard); code != 0 || !strings.HasPrefix(out.String(), "heed ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	errb.Reset()
	if code := Main(context.Background(), []string{"serve", "--config", "/nonexistent.yaml"}, env, io.Discard, &errb); code != 1 || !strings.Contains(errb.String(), "nonexistent.yaml") {
		t.Fatalf("serve with a missing config: %d %q", code, errb.String())
	}
	errb.Reset()
	if code := Main(context.Background(), []string{"fly"}, env, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errb.String())
	}
}

func TestClassifyPrintsWhatDecided(t *testing.T) {
	cfg := filepath.Join(casestest.Root(t), "examples", "heed.yaml")
	for text, want := range map[string]string{
		"樓上漏水很嚴重，天花板在滴水": `"category":"repair"`,
		"物业费为什么又涨了":      `"category":"fees"`,
		"电梯里困了人！":        `"emergency":true`,
	} {
		var out, errb bytes.Buffer
		if code := Main(context.Background(), []string{"classify", "--config", cfg, text}, func(string) string { return "" }, &out, &errb); code != 0 {
			t.Fatalf("classify %q: exit %d %s", text, code, errb.String())
		}
		var got map[string]any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("classify printed %q: %v", out.String(), err)
		}
		if !strings.Contains(out.String(), want) || got["words"] == nil || got["department"] == "" {
			t.Errorf("classify %q = %s, want %s with the deciding words", text, out.String(), want)
		}
	}
}

// classify --eval measures heed on a file of labelled messages: the last
// line of the fixture is labelled fees on purpose and must show as a miss.
func TestClassifyEval(t *testing.T) {
	cfg := filepath.Join(casestest.Root(t), "examples", "heed.yaml")
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"classify", "--config", cfg, "--eval", "testdata/classify-eval.tsv", "--misses"},
		func(string) string { return "" }, &out, &errb); code != 0 {
		t.Fatalf("classify --eval: exit %d %s", code, errb.String())
	}
	s := out.String()
	for _, want := range []string{"category accuracy: ", " of 7)", "urgent recall", " of 1)", "false urgent", " of 5)",
		"per category:", "precision", "recall", "confusion", "classify-eval.tsv:8: fees → "} {
		if !strings.Contains(s, want) {
			t.Errorf("classify --eval lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "category accuracy: 100.0 %") {
		t.Errorf("the mislabelled line counted right:\n%s", s)
	}
	// A bad file names its line.
	bad := filepath.Join(t.TempDir(), "bad.tsv")
	os.WriteFile(bad, []byte("repair\t0\t水管漏了\nplumbing\t0\t水管又漏了\nrepair\tmaybe\t漏水\n"), 0o644)
	errb.Reset()
	if code := Main(context.Background(), []string{"classify", "--config", cfg, "--eval", bad}, func(string) string { return "" }, io.Discard, &errb); code == 0 ||
		!strings.Contains(errb.String(), "bad.tsv:2: category \"plumbing\"") || !strings.Contains(errb.String(), "bad.tsv:3: urgent") {
		t.Errorf("bad file: exit %d %s", code, errb.String())
	}
}

// latestMigration is the version of the newest embedded migration.
func latestMigration() int {
	names := cases.MigrationNames()
	var v int
	fmt.Sscanf(names[len(names)-1], "%d", &v)
	return v
}

func TestReportsThroughTheAPIAndTheCommand(t *testing.T) {
	h := startHeed(t)
	for _, who := range []string{"王女士", "李先生"} {
		c := phoneComplaint()
		c["customer_name"] = who
		c["contact_phone"] = ""
		if r := h.api("POST", "/api/v1/cases", c); r.status != 201 {
			t.Fatalf("create: %s", r.raw)
		}
	}
	year := time.Now().Format("2006")
	r := h.api("GET", "/api/v1/reports/analysis?period="+year, nil)
	if r.status != 200 || r.body["total"] != float64(2) {
		t.Fatalf("analysis: %d %.300s", r.status, r.raw)
	}
	html := h.api("GET", "/api/v1/reports/analysis?format=html&period="+year, nil)
	if html.status != 200 || !strings.Contains(html.raw, "<svg") || !strings.Contains(html.raw, "工程维修") {
		t.Fatalf("html report: %d %.200s", html.status, html.raw)
	}
	csv := h.api("GET", "/api/v1/reports/register?format=csv&period="+year, nil)
	if csv.status != 200 || !strings.HasPrefix(csv.raw, "\ufeff") || !strings.Contains(csv.raw, "王女士") || strings.Count(csv.raw, "\n") != 3 {
		t.Fatalf("csv register: %d %q", csv.status, csv.raw)
	}
	if bad := h.api("GET", "/api/v1/reports/analysis?period=someday", nil); bad.status != 400 || bad.errField() != "period" {
		t.Fatalf("bad period: %d %s", bad.status, bad.raw)
	}
	// The command writes the register as a spreadsheet.
	out := filepath.Join(t.TempDir(), "register.xlsx")
	env := func(k string) string { return map[string]string{"DATABASE_URL": h.dsn}[k] }
	cfg := filepath.Join(casestest.Root(t), "examples", "heed.yaml")
	var errb bytes.Buffer
	if code := Main(context.Background(), []string{"report", "--config", cfg, "--period", year, "--format", "xlsx", "--out", out}, env, io.Discard, &errb); code != 0 {
		t.Fatalf("heed report: %d %s", code, errb.String())
	}
	if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
		t.Fatalf("xlsx: %v %v", st, err)
	}
}
