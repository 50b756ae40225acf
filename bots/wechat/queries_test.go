package wechat

import (
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases/sqlset"
	"github.com/heedhq/heed/config"
)

// TestNewFailsOnAMissingQuery: a statement the bot declares but
// queries.sql lacks stops the bot from being made — at start, naming the
// statement — and the cache with it.
func TestNewFailsOnAMissingQuery(t *testing.T) {
	if err := sqlset.Load(&statements{}, "wechat", queriesSQL); err != nil {
		t.Fatalf("queries.sql as shipped: %v", err)
	}
	broken := strings.Replace(queriesSQL, "-- name: cache-get\n", "-- name: cache-gets\n", 1)
	if broken == queriesSQL {
		t.Fatal("queries.sql has no block cache-get")
	}
	const want = "wechat queries.sql: no statement named cache-get"
	saved := loadQueries
	t.Cleanup(func() { loadQueries = saved })
	loadQueries = func() error { return sqlset.Load(&statements{}, "wechat", broken) }

	db := sqlx.NewDb(nil, "postgres") // never reached
	cfg := config.WeChat{AppID: "wx0123456789abcdef", AppSecret: "secret", Token: "token"}
	if b, err := New(cfg, db, nil, nil, nil); err == nil || err.Error() != want || b != nil {
		t.Errorf("New with cache-get missing: %v, %v; want the error %q", b, err, want)
	}
	if c, err := NewCache(db); err == nil || err.Error() != want || c != nil {
		t.Errorf("NewCache with cache-get missing: %v, %v", c, err)
	}
}
