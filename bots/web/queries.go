package web

import (
	_ "embed"
	"sync"

	"github.com/heedhq/heed/cases/sqlset"
)

// The web chat's fixed statements live in queries.sql, which also names
// the table the package owns.

//go:embed queries.sql
var queriesSQL string

// statements are the blocks of queries.sql, one field each.
type statements struct {
	UploadLock         string `sql:"upload-lock"`
	ForgetUploads      string `sql:"forget-uploads"`
	SessionUploadBytes string `sql:"session-upload-bytes"`
	BookUpload         string `sql:"book-upload"`
	ReleaseUpload      string `sql:"release-upload"`
}

// stmt holds the statements once loadQueries has filled it.
var stmt statements

var loadQueries = sync.OnceValue(func() error { return sqlset.Load(&stmt, "web", queriesSQL) })
