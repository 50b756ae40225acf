package notify

import (
	"strings"
	"testing"

	"github.com/heedhq/heed/cases/sqlset"
)

// A statement the outbox uses and its queries.sql lacks stops it at start.
func TestAMissingStatementFailsConstruction(t *testing.T) {
	if _, err := NewWorker(nil, nil, nil); err != nil {
		t.Fatalf("the outbox's queries: %v", err)
	}
	var again = q
	broken := strings.Replace(queriesSQL, "-- name: claim-mark", "-- name: claim-marc", 1)
	if err := sqlset.Load(&again, "notify", broken); err == nil || !strings.Contains(err.Error(), "claim-mark") {
		t.Fatalf("a misspelt block: %v", err)
	}
}
