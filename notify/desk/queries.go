package desk

import (
	_ "embed"
	"sync"

	"github.com/heedhq/heed/cases/sqlset"
)

//go:embed queries.sql
var queriesSQL string

// q holds the desk's statements, read from queries.sql by loadQueries.
var q struct {
	StaffAction     string `sql:"staff-action"`
	InsertBulletin  string `sql:"insert-bulletin"`
	BulletinByKey   string `sql:"bulletin-by-key"`
	BulletinExists  string `sql:"bulletin-exists"`
	InsertTargets   string `sql:"insert-targets"`
	BulletinTargets string `sql:"bulletin-targets"`
	BulletinRows    string `sql:"bulletin-rows"`
	Bulletins       string `sql:"bulletins"`
	Bulletin        string `sql:"bulletin"`
	Templates       string `sql:"templates"`
	Template        string `sql:"template"`
	InsertTemplate  string `sql:"insert-template"`
	UpdateTemplate  string `sql:"update-template"`
	DeleteTemplate  string `sql:"delete-template"`
}

// loadQueries fills q once; New returns its error, so a missing or
// misspelt block stops heed at start and fails every test of the desk.
var loadQueries = sync.OnceValue(func() error { return sqlset.Load(&q, "desk", queriesSQL) })
