package cases

import (
	"reflect"
	"strings"
	"testing"

	"github.com/heedhq/heed/cases/sqlset"
	"github.com/heedhq/heed/config"
)

// A statement missing from queries.sql stops the service at construction,
// naming the statement, instead of failing when it is first run.
func TestNewServiceFailsOnAMissingQuery(t *testing.T) {
	if _, err := NewService(nil, &config.Config{}, nil); err != nil {
		t.Fatalf("with the embedded queries.sql: %v", err)
	}
	const block = "-- name: find-repeat\n"
	if !strings.Contains(queriesSQL, block) {
		t.Fatalf("queries.sql has no %q to remove", block)
	}
	broken := strings.Replace(queriesSQL, block, "-- name: find-repeats\n", 1)
	// Fresh structs of the same types: the package's own statements stay
	// as loaded for the other tests.
	sets := make([]any, len(querySets))
	for i, s := range querySets {
		sets[i] = reflect.New(reflect.TypeOf(s).Elem()).Interface()
	}
	saved := loadQueries
	loadQueries = func() error { return sqlset.LoadAll("cases", broken, sets...) }
	defer func() { loadQueries = saved }()

	svc, err := NewService(nil, &config.Config{}, nil)
	if err == nil || svc != nil {
		t.Fatalf("NewService with find-repeat missing = %v, %v; want an error", svc, err)
	}
	if !strings.Contains(err.Error(), "no statement named find-repeat") {
		t.Fatalf("error %q does not name the missing statement", err)
	}
}
