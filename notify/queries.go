package notify

import (
	_ "embed"
	"sync"

	"github.com/heedhq/heed/cases/sqlset"
)

//go:embed queries.sql
var queriesSQL string

// q holds notify's statements, read from queries.sql by loadQueries.
var q struct {
	Enqueue         string `sql:"enqueue"`
	Wake            string `sql:"wake"`
	DeadLetters     string `sql:"dead-letters"`
	RetryDead       string `sql:"retry-dead"`
	ResendUncertain string `sql:"resend-uncertain"`
	RowStates       string `sql:"row-states"`
	PromptOf        string `sql:"prompt-of"`
	Analyze         string `sql:"analyze"`
	Claim           string `sql:"claim"`
	ClaimFollowers  string `sql:"claim-followers"`
	ClaimLater      string `sql:"claim-later"`
	ClaimMark       string `sql:"claim-mark"`
	CardMessage     string `sql:"card-message"`
	CommitAsync     string `sql:"commit-async"`
	Record          string `sql:"record"`
	RecordCard      string `sql:"record-card"`
	Reclaim         string `sql:"reclaim"`
	WorkerLock      string `sql:"worker-lock"`
	WorkerUnlock    string `sql:"worker-unlock"`
	SessionAsync    string `sql:"session-async"`
	WorkerBeat      string `sql:"worker-beat"`
	WorkerGone      string `sql:"worker-gone"`
	GiveUp          string `sql:"give-up"`
	OutboxCounts    string `sql:"outbox-counts"`   // counts.go
	ChatDeliveries  string `sql:"chat-deliveries"` // counts.go
	SetAside        string `sql:"set-aside"`       // counts.go
}

// loadQueries fills q once; every entry point of the package (NewWorker, a
// Worker's first run, Enqueue and the other functions) returns its error,
// so a missing or misspelt block fails at start and in every test.
var loadQueries = sync.OnceValue(func() error { return sqlset.Load(&q, "notify", queriesSQL) })
