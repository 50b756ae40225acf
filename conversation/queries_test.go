package conversation

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/heedhq/heed/cases/sqlset"
)

// withoutBlock is src without the block named name.
func withoutBlock(t *testing.T, src, name string) string {
	t.Helper()
	var out []string
	skipping, found := false, false
	for _, line := range strings.Split(src, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			skipping = strings.TrimSpace(n) == name
			found = found || skipping
		}
		if !skipping {
			out = append(out, line)
		}
	}
	if !found {
		t.Fatalf("queries.sql has no block %s to leave out", name)
	}
	return strings.Join(out, "\n")
}

// TestNewFailsOnAMissingQuery: a statement the engine declares but
// queries.sql lacks stops the engine from being made — and with it heed
// serve — naming the statement, instead of failing when it is first run.
func TestNewFailsOnAMissingQuery(t *testing.T) {
	if err := sqlset.Load(&statements{}, "conversation", queriesSQL); err != nil {
		t.Fatalf("queries.sql as shipped: %v", err)
	}
	broken := withoutBlock(t, queriesSQL, "save-turn")
	const want = "conversation queries.sql: no statement named save-turn"
	saved := loadQueries
	t.Cleanup(func() { loadQueries = saved })
	loadQueries = func() error { return sqlset.Load(&statements{}, "conversation", broken) }

	// New fails before it touches the cases service or the database.
	if eng, err := New(nil); err == nil || err.Error() != want || eng != nil {
		t.Fatalf("New with save-turn missing: %v, %v; want the error %q", eng, err, want)
	}
	// So do the package's functions that need no engine.
	if _, err := Corrections(context.Background(), nil); err == nil || err.Error() != want {
		t.Errorf("Corrections: %v", err)
	}
	if _, err := DraftPhotoBytes(context.Background(), nil, "web", "s1"); err == nil || err.Error() != want {
		t.Errorf("DraftPhotoBytes: %v", err)
	}
}

// TestQueriesNameOnlyOwnTables: the engine's statements name no table of
// another package (issue 14): cases are read through cases.Service, the
// outbox through notify.
func TestQueriesNameOnlyOwnTables(t *testing.T) {
	foreign := []string{"cases", "case_events", "case_deadlines", "case_attachments", "case_links", "serial_counters",
		"files", "heed_settings", "api_tokens", "outbox", "outbox_workers", "cards", "bulletins", "bulletin_targets",
		"staff_actions", "wechat_cache", "wechat_followers", "web_chat_uploads"}
	for name, sql := range sqlset.Parse(queriesSQL) {
		for _, table := range foreign {
			named := regexp.MustCompile(`(?i)\b(FROM|JOIN|INTO|UPDATE)\s+` + table + `\b`).MatchString(sql)
			if named {
				t.Errorf("statement %s names %s, a table of another package", name, table)
			}
		}
	}
}
