package wechat

import (
	_ "embed"
	"sync"

	"github.com/heedhq/heed/cases/sqlset"
)

// The bot's fixed statements live in queries.sql, which also names the
// tables the package owns.

//go:embed queries.sql
var queriesSQL string

// statements are the blocks of queries.sql, one field each.
type statements struct {
	CacheGet             string `sql:"cache-get"`
	CacheSet             string `sql:"cache-set"`
	CacheDelete          string `sql:"cache-delete"`
	TokenLock            string `sql:"token-lock"`
	TokenInvalidate      string `sql:"token-invalidate"`
	FollowerInteracted   string `sql:"follower-interacted"`
	FollowerUnsubscribed string `sql:"follower-unsubscribed"`
	Follower             string `sql:"follower"`
	FollowerTagged       string `sql:"follower-tagged"`
}

// stmt holds the statements once loadQueries has filled it.
var stmt statements

var loadQueries = sync.OnceValue(func() error { return sqlset.Load(&stmt, "wechat", queriesSQL) })
