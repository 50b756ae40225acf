package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases/sqlset"
)

// TestNewPanicsOnAMissingQuery: a statement the web chat declares but
// queries.sql lacks stops it from being made — at start, naming the
// statement — and DBUploads refuses to book without it.
func TestNewPanicsOnAMissingQuery(t *testing.T) {
	if err := sqlset.Load(&statements{}, "web", queriesSQL); err != nil {
		t.Fatalf("queries.sql as shipped: %v", err)
	}
	broken := strings.Replace(queriesSQL, "-- name: book-upload\n", "-- name: book-uploads\n", 1)
	if broken == queriesSQL {
		t.Fatal("queries.sql has no block book-upload")
	}
	const want = "web queries.sql: no statement named book-upload"
	saved := loadQueries
	t.Cleanup(func() { loadQueries = saved })
	loadQueries = func() error { return sqlset.Load(&statements{}, "web", broken) }

	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), want) {
				t.Errorf("New with book-upload missing: panic %v, want one saying %q", r, want)
			}
		}()
		New(nil, nil, testSecret, nil)
	}()
	if _, _, err := (DBUploads{}).Reserve(context.Background(), "s1", 1, Limits{}, time.Now()); err == nil || err.Error() != want {
		t.Errorf("Reserve with book-upload missing: %v", err)
	}
}
