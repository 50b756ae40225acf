package cases

import (
	_ "embed"
	"sync"

	"github.com/heedhq/heed/cases/sqlset"
)

// The package's fixed statements are the named blocks of queries.sql, filled
// into q when the package is first constructed (NewService): a missing,
// misspelt or unused block stops heed at start, not when the statement is
// first run. Statements built at run time (List's filters) stay in Go.

//go:embed queries.sql
var queriesSQL string

// q holds the statements of the case core.
var q struct {
	NextSerial                  string `sql:"next-serial"`
	InsertCase                  string `sql:"insert-case"`
	UpdateCase                  string `sql:"update-case"`
	FlagRepeat                  string `sql:"flag-repeat"`
	CaseBySerial                string `sql:"case-by-serial"`
	CaseBySerialForUpdate       string `sql:"case-by-serial-for-update"`
	CaseByIDForUpdate           string `sql:"case-by-id-for-update"`
	InsertEvent                 string `sql:"insert-event"`
	Events                      string `sql:"events"`
	LastEventOfAction           string `sql:"last-event-of-action"`
	InsertAttachment            string `sql:"insert-attachment"`
	Attachments                 string `sql:"attachments"`
	FileByDigest                string `sql:"file-by-digest"`
	InsertFile                  string `sql:"insert-file"`
	FileByID                    string `sql:"file-by-id"`
	InsertSetting               string `sql:"insert-setting"`
	Setting                     string `sql:"setting"`
	InsertLink                  string `sql:"insert-link"`
	Links                       string `sql:"links"`
	CountCollectiveComplainants string `sql:"count-collective-complainants"`
	InsertDeadline              string `sql:"insert-deadline"`
	Deadlines                   string `sql:"deadlines"`
	MeetDeadline                string `sql:"meet-deadline"`
	SupersedeDeadlines          string `sql:"supersede-deadlines"`
	SweepVerified               string `sql:"sweep-verified"`
	SweepDeveloper              string `sql:"sweep-developer"`
	ClosedBefore                string `sql:"closed-before"`
	FindRepeat                  string `sql:"find-repeat"`
	SweepMissed                 string `sql:"sweep-missed"`
	SweepRemind                 string `sql:"sweep-remind"`
}

// querySets are the structs filled from queries.sql: q, and one more per
// file of functions that other packages call (desk_queries.go,
// conversation_queries.go), each declaring the blocks it uses in a struct of
// its own and adding it from an init:
//
//	func init() { querySets = append(querySets, &deskQ) }
//
// They are filled together (sqlset.LoadAll), so a block one of them uses
// is not "unused" for the others.
var querySets = []any{&q}

// loadQueries fills querySets once; NewService returns its error.
var loadQueries = sync.OnceValue(func() error { return sqlset.LoadAll("cases", queriesSQL, querySets...) })
