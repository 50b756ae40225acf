package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/api"
	"github.com/heedhq/heed/cases/casestest"
)

// tokenCLI runs `heed token …` against h's database; it returns stdout and
// stderr, failing the test on a non-zero exit.
func (h *heed) tokenCLI(args ...string) (string, string) {
	h.t.Helper()
	var out, errb bytes.Buffer
	env := func(k string) string { return map[string]string{"DATABASE_URL": h.dsn}[k] }
	cfg := filepath.Join(casestest.Root(h.t), "examples", "heed.yaml")
	if code := Main(context.Background(), append([]string{"token", args[0], "--config", cfg}, args[1:]...), env, &out, &errb); code != 0 {
		h.t.Fatalf("heed token %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String(), errb.String()
}

func (r reply) needs() string {
	e, _ := r.body["error"].(map[string]any)
	d, _ := e["details"].(map[string]any)
	n, _ := d["needs"].(string)
	return n
}

// TestTokensActAsTheirPersonOnly: each role's token may take that role's
// steps and no other; the integration token acts as itself and is refused
// the steps reserved to a person; an actor in the body other than the
// token's person is 403; every event names the token that acted.
func TestTokensActAsTheirPersonOnly(t *testing.T) {
	h := startHeed(t)
	as := func(person, serial string, body map[string]any) reply {
		return h.do("POST", "/api/v1/cases/"+serial+"/transitions", h.tokenFor(person), body)
	}
	integration := func(serial string, body map[string]any) reply {
		return h.do("POST", "/api/v1/cases/"+serial+"/transitions", token, body)
	}
	c := phoneComplaint()
	delete(c, "actor") // the front desk's token says who records it
	r := h.do("POST", "/api/v1/cases", h.tokenFor("front.xu"), c)
	if r.status != 201 || r.body["recorded_by"] != "front.xu" {
		t.Fatalf("create with front.xu's token: %d %s", r.status, r.raw)
	}
	serial := r.body["serial"].(string) // dispatched to engineering

	// Another department's manager cannot acknowledge (only the case department's managers may); nor can the integration.
	if r := as("svc.chen", serial, map[string]any{"action": "acknowledge"}); r.status != 403 || r.needs() != "manager" {
		t.Errorf("service's manager acknowledging engineering's case: %d %s", r.status, r.raw)
	}
	if r := integration(serial, map[string]any{"action": "acknowledge"}); r.status != 403 || r.needs() != "manager" ||
		!strings.Contains(r.errMessage(), "reserved to a person") {
		t.Errorf("integration acknowledging: %d %s", r.status, r.raw)
	}
	// A handler's token naming the general manager as actor is spoofing.
	if r := as("eng.zhang", serial, map[string]any{"actor": "gm.liu", "action": "acknowledge"}); r.status != 403 || r.errField() != "actor" {
		t.Errorf("eng.zhang's token as gm.liu: %d %s", r.status, r.raw)
	}
	if r := integration(serial, map[string]any{"actor": "eng.li", "action": "acknowledge"}); r.status != 403 || r.errField() != "actor" {
		t.Errorf("integration as eng.li: %d %s", r.status, r.raw)
	}
	// No actor: the token's person acts.
	if r := as("eng.li", serial, map[string]any{"action": "acknowledge", "handler": "eng.zhang"}); r.status != 200 {
		t.Fatalf("eng.li acknowledging: %d %s", r.status, r.raw)
	}
	// The procedure gives the system flag_major: the integration may.
	if r := integration(serial, map[string]any{"action": "flag_major", "text": "涉及多户业主"}); r.status != 200 {
		t.Fatalf("integration flagging major: %d %s", r.status, r.raw)
	}
	if r := as("eng.zhang", serial, map[string]any{"actor": "eng.zhang", "action": "propose_measures", "text": "更换楼上防水层"}); r.status != 200 {
		t.Fatalf("measures: %d %s", r.status, r.raw)
	}
	if r := as("cs.zhoumin", serial, map[string]any{"action": "review"}); r.status != 200 || r.body["status"] != "awaiting_approval" {
		t.Fatalf("review: %d %s", r.status, r.raw)
	}
	// Only the general manager approves.
	for _, who := range []string{"eng.zhang", "eng.li", "cs.zhoumin"} {
		if r := as(who, serial, map[string]any{"action": "approve"}); r.status != 403 || r.needs() != "general_manager" {
			t.Errorf("%s approving: %d %s", who, r.status, r.raw)
		}
	}
	if r := integration(serial, map[string]any{"action": "approve"}); r.status != 403 || r.needs() != "general_manager" {
		t.Errorf("integration approving: %d %s", r.status, r.raw)
	}
	if r := as("gm.liu", serial, map[string]any{"action": "approve"}); r.status != 200 || r.body["approved_by"] != "gm.liu" {
		t.Fatalf("the general manager approving: %d %s", r.status, r.raw)
	}
	// Every event names its token.
	signed := map[string]string{}
	for _, e := range h.api("GET", "/api/v1/cases/"+serial, nil).body["events"].([]any) {
		ev := e.(map[string]any)
		pu, _ := ev["platform_user"].(string)
		signed[ev["action"].(string)] = ev["actor_id"].(string) + " " + pu
	}
	want := map[string]string{"create": "front.xu token:test-front.xu", "acknowledge": "eng.li token:test-eng.li",
		"flag_major": "integration token:integration", "propose_measures": "eng.zhang token:test-eng.zhang",
		"review": "cs.zhoumin token:test-cs.zhoumin", "approve": "gm.liu token:test-gm.liu"}
	for act, w := range want {
		if signed[act] != w {
			t.Errorf("event %s signed %q, want %q", act, signed[act], w)
		}
	}
	// Bulletins and surveys are the desk's: not a handler's, not the integration's.
	b := map[string]any{"key": "k1", "title": "停水", "body": "明日停水", "communities": []string{"xinghewan"}}
	if r := h.do("POST", "/api/v1/bulletins", h.tokenFor("eng.zhang"), b); r.status != 403 {
		t.Errorf("a handler's bulletin: %d %s", r.status, r.raw)
	}
	if r := h.do("POST", "/api/v1/bulletins", token, b); r.status != 403 || !strings.Contains(r.errMessage(), "acts for no person") {
		t.Errorf("the integration's bulletin: %d %s", r.status, r.raw)
	}
	if r := h.do("POST", "/api/v1/surveys/1/close", token, map[string]any{}); r.status != 403 {
		t.Errorf("the integration closing a survey: %d %s", r.status, r.raw)
	}
	if r := h.do("POST", "/api/v1/bulletins", h.tokenFor("qa.ma"), b); r.status != 201 {
		t.Errorf("the quality representative's bulletin: %d %s", r.status, r.raw)
	}
	// What team chat shows only the desk (the analysis, the call list, a
	// bulletin's progress, dead letters) a handler cannot read; the desk
	// and the integration can. Cases every staff member may read.
	for _, path := range []string{"/api/v1/reports/analysis", "/api/v1/revisits/no-response", "/api/v1/bulletins/1",
		"/api/v1/outbox/dead", "/api/v1/surveys"} {
		if r := h.do("GET", path, h.tokenFor("eng.zhang"), nil); r.status != 403 {
			t.Errorf("a handler reading %s: %d %.200s", path, r.status, r.raw)
		}
		for _, who := range []string{h.tokenFor("cs.zhoumin"), token} {
			if r := h.do("GET", path, who, nil); r.status != 200 {
				t.Errorf("the desk or the integration reading %s: %d %.200s", path, r.status, r.raw)
			}
		}
	}
	if r := h.do("GET", "/api/v1/cases/"+serial, h.tokenFor("eng.zhang"), nil); r.status != 200 {
		t.Errorf("a handler reading a case: %d", r.status)
	}
	if r := h.do("POST", "/api/v1/outbox/1/retry", h.tokenFor("eng.zhang"), nil); r.status != 403 {
		t.Errorf("a handler retrying a dead letter: %d %s", r.status, r.raw)
	}
}

// TestTokenLifecycle: heed token create prints a token once and keeps its
// hash; list shows it; a read-only token only reads; a revoked or expired
// token is 401 at once.
func TestTokenLifecycle(t *testing.T) {
	h := startHeed(t)
	secret, note := h.tokenCLI("create", "--person", "eng.li", "--name", "li-phone", "--expires", "90d")
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, "heed_") || len(secret) < 40 || !strings.Contains(note, "eng.li") {
		t.Fatalf("create printed %q, %q", secret, note)
	}
	var stored int
	h.db.Get(&stored, `SELECT count(*) FROM api_tokens WHERE position($1::bytea in hash) > 0 OR name = $2`, []byte(secret), secret)
	if stored != 0 {
		t.Fatal("the token itself is stored")
	}
	ro, _ := h.tokenCLI("create", "--person", "cs.zhoumin", "--name", "zhou-readonly", "--read-only")
	ro = strings.TrimSpace(ro)
	list, _ := h.tokenCLI("list")
	for _, w := range []string{"li-phone", "eng.li", "expires ", "zhou-readonly", "read-only"} {
		if !strings.Contains(list, w) {
			t.Errorf("list lacks %q:\n%s", w, list)
		}
	}
	if strings.Contains(list, secret) || strings.Contains(list, ro) {
		t.Errorf("list shows a token:\n%s", list)
	}

	serial := h.api("POST", "/api/v1/cases", phoneComplaint()).body["serial"].(string)
	if r := h.do("GET", "/api/v1/cases/"+serial, ro, nil); r.status != 200 {
		t.Errorf("read-only GET: %d %s", r.status, r.raw)
	}
	if r := h.do("POST", "/api/v1/cases/"+serial+"/transitions", ro, map[string]any{"action": "note", "text": "看一下"}); r.status != 403 {
		t.Errorf("read-only POST: %d %s", r.status, r.raw)
	}
	replica := startHeedOn(t, h.dsn, nil) // a second heed serve on the same database
	for _, x := range []*heed{h, replica} {
		if r := x.do("GET", "/api/v1/cases", secret, nil); r.status != 200 {
			t.Fatalf("live token: %d %s", r.status, r.raw)
		}
	}
	if out, _ := h.tokenCLI("revoke", "li-phone"); !strings.Contains(out, "revoked") {
		t.Errorf("revoke said %q", out)
	}
	for _, x := range []*heed{h, replica} { // at once, on every replica
		if r := x.do("GET", "/api/v1/cases", secret, nil); r.status != 401 || !strings.Contains(r.errMessage(), "revoked") {
			t.Errorf("revoked token: %d %s", r.status, r.raw)
		}
	}
	if r := h.do("POST", "/api/v1/cases/"+serial+"/transitions", secret, map[string]any{"action": "acknowledge"}); r.status != 401 {
		t.Errorf("revoked token acting: %d %s", r.status, r.raw)
	}
	// A token whose time is up (made an hour ago for a minute).
	old, _, err := api.CreateToken(context.Background(), h.db, "eng.li", "li-old", time.Minute, false, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if r := h.do("GET", "/api/v1/cases", old, nil); r.status != 401 || !strings.Contains(r.errMessage(), "expired") {
		t.Errorf("expired token: %d %s", r.status, r.raw)
	}
	// A token of someone no longer in the configuration reads nothing.
	gone, _, err := api.CreateToken(context.Background(), h.db, "eng.left", "left-phone", 0, true, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r := h.do("GET", "/api/v1/cases", gone, nil); r.status != 401 || !strings.Contains(r.errMessage(), "no longer on the staff") {
		t.Errorf("a departed person's token: %d %s", r.status, r.raw)
	}
	for _, guess := range []string{"heed_" + strings.Repeat("A", 43), secret + "x", "Bearer", " "} {
		if r := h.do("GET", "/api/v1/cases", guess, nil); r.status != 401 {
			t.Errorf("token %q: %d %s", guess, r.status, r.raw)
		}
	}
	list, _ = h.tokenCLI("list")
	if !strings.Contains(list, "revoked ") || !strings.Contains(list, "expired ") {
		t.Errorf("list after revoking:\n%s", list)
	}
	// The name is free again once its token is revoked; a live name is not.
	h.tokenCLI("create", "--person", "eng.li", "--name", "li-phone")
	var errb bytes.Buffer
	env := func(k string) string { return map[string]string{"DATABASE_URL": h.dsn}[k] }
	cfg := filepath.Join(casestest.Root(t), "examples", "heed.yaml")
	for _, args := range [][]string{{"create", "--person", "eng.li", "--name", "li-phone"}, {"create", "--person", "nobody", "--name", "x"},
		{"create", "--person", "eng.li"}, {"revoke", "no-such-token"}, {"create", "--person", "eng.li", "--name", "y", "--expires", "3wd"}} {
		errb.Reset()
		if code := Main(context.Background(), append([]string{"token", args[0], "--config", cfg}, args[1:]...), env, io.Discard, &errb); code == 0 {
			t.Errorf("heed token %v succeeded", args)
		}
	}
}
