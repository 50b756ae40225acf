package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases/sqlset"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

// A statement missing from queries.sql stops every report before it reads
// or writes anything, naming the statement.
func TestReportsFailOnAMissingQuery(t *testing.T) {
	if err := loadQueries(); err != nil {
		t.Fatalf("with the embedded queries.sql: %v", err)
	}
	const block = "-- name: register\n"
	if !strings.Contains(queriesSQL, block) {
		t.Fatalf("queries.sql has no %q to remove", block)
	}
	broken := strings.Replace(queriesSQL, block, "-- name: registers\n", 1)
	var fresh = q
	fresh.Register = ""
	saved := loadQueries
	loadQueries = func() error { return sqlset.Load(&fresh, "report", broken) }
	defer func() { loadQueries = saved }()

	ctx, cfg := context.Background(), &config.Config{}
	p := Quarter(time.Date(2026, 2, 1, 0, 0, 0, 0, shanghai), shanghai)
	var out bytes.Buffer
	for name, run := range map[string]func() error{
		"Analyze":   func() error { _, err := Analyze(ctx, nil, conversation.ReportFacts{}, cfg, p, ZhCN); return err },
		"WriteCSV":  func() error { return WriteCSV(ctx, nil, cfg, p, ZhCN, &out) },
		"WriteXLSX": func() error { return WriteXLSX(ctx, nil, cfg, p, ZhCN, &out) },
	} {
		err := run()
		if err == nil || !strings.Contains(err.Error(), "no statement named register") {
			t.Errorf("%s with register missing: err = %v, want it named", name, err)
		}
	}
	if out.Len() > 0 {
		t.Errorf("a report wrote %d bytes before failing", out.Len())
	}
}
