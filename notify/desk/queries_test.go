package desk

import (
	"strings"
	"testing"

	"github.com/heedhq/heed/cases/sqlset"
)

// A statement the desk uses and its queries.sql lacks stops it at start.
func TestAMissingStatementFailsConstruction(t *testing.T) {
	if err := loadQueries(); err != nil {
		t.Fatalf("the desk's queries: %v", err)
	}
	var again = q
	broken := strings.Replace(queriesSQL, "-- name: staff-action", "-- name: staff-actoin", 1)
	if err := sqlset.Load(&again, "desk", broken); err == nil || !strings.Contains(err.Error(), "staff-action") {
		t.Fatalf("a misspelt block: %v", err)
	}
}
