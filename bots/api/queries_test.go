package api

import (
	"context"
	"reflect"
	"testing"

	"github.com/heedhq/heed/cases/casestest"
)

// TestQueriesPrepare: every statement of queries.sql is declared, used and
// accepted by PostgreSQL against the current schema — a misspelt block or
// column fails here, not when a token is first created or read.
func TestQueriesPrepare(t *testing.T) {
	if err := loadQueries(); err != nil {
		t.Fatal(err)
	}
	db := casestest.DB(t)
	v := reflect.ValueOf(q)
	for i := range v.NumField() {
		name := v.Type().Field(i).Tag.Get("sql")
		st, err := db.PrepareContext(context.Background(), v.Field(i).String())
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		st.Close()
	}
}
