package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/heedhq/heed/cases/casestest"
)

// readmeBlock is the first ```sh block after heading in the README.
func readmeBlock(t *testing.T, heading string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(casestest.Root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q", heading)
	}
	_, rest, ok = strings.Cut(rest, "```sh\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatalf("README: no sh block under %q", heading)
	}
	return block
}

// rfc3339 finds the times in a JSON answer.
var rfc3339 = regexp.MustCompile(`"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)"`)

// The README's JSON API walk-through runs as written against a fresh heed
// with the demo company, after an owner's complaint in the web chat (as the
// README sends a newcomer there first): every request answers 2xx.
func TestReadmeAPIExampleRunsAsWritten(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	h := startHeed(t)
	// The owner's web-chat complaint takes the first serial; the chat's own
	// example contact (王女士 13812345678) is what a newcomer may well type.
	if r := h.api("POST", "/api/v1/cases", phoneComplaint()); r.status != 201 {
		t.Fatalf("first case: %d %s", r.status, r.raw)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	script := `set -euo pipefail
heed() { HEED_TEST_AS_HEED=1 DATABASE_URL='` + h.dsn + `' '` + self + `' "$@"; }
curl() { # fail on any answer but 2xx, as a newcomer reading the output would notice
	local out code
	out=$(command curl -w '\n%{http_code}' "$@") || return 1
	code=${out##*$'\n'}
	printf '%s\n' "${out%$'\n'*}"
	case $code in 2??) ;; *) echo "HTTP $code for curl $*: ${out%$'\n'*}" >&2; return 1 ;; esac
}
` + strings.ReplaceAll(strings.ReplaceAll(readmeBlock(t, "## JSON API"), "localhost:8080", strings.TrimPrefix(h.base, "http://")),
		"dev-token", token)
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = casestest.Root(t) // heed finds the demo company from the checkout's root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's API example stumbled: %v\n%s", err, out)
	}
	var serial, status string
	h.db.QueryRow(`SELECT serial, status FROM cases ORDER BY id DESC LIMIT 1`).Scan(&serial, &status)
	if status != "replied" || !strings.Contains(string(out), serial) {
		t.Fatalf("after the example the case %s is %s:\n%s", serial, status, out)
	}

	// Every time in the answers has the company's offset.
	for _, m := range rfc3339.FindAllString(string(out), -1) {
		if !strings.HasSuffix(m, `+08:00"`) {
			t.Errorf("time %s is not in the company's zone (+08:00):\n%s", m, out)
		}
	}
}

// A new case shows receipt met and the department's 受理 (investigate) open
// until its manager acknowledges.
func TestDepartmentAcknowledgementIsNotMetAtRegistration(t *testing.T) {
	h := startHeed(t)
	r := h.api("POST", "/api/v1/cases", phoneComplaint())
	serial, _ := r.body["serial"].(string)
	met := func(r reply) map[string]bool {
		out := map[string]bool{}
		for _, d := range r.body["deadlines"].([]any) {
			dl := d.(map[string]any)
			out[dl["step"].(string)] = dl["met_at"] != nil
		}
		return out
	}
	got := met(h.api("GET", "/api/v1/cases/"+serial, nil))
	if !got["receipt"] || got["investigate"] || got["acknowledge"] {
		t.Fatalf("at registration: met %v", got)
	}
	h.api("POST", "/api/v1/cases/"+serial+"/transitions", map[string]any{"actor": "eng.li", "action": "acknowledge"})
	if got := met(h.api("GET", "/api/v1/cases/"+serial, nil)); !got["investigate"] {
		t.Fatalf("after the manager's 受理: met %v", got)
	}
}
