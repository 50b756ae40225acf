package conversation

import (
	"context"
	_ "embed"
	"sync"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases/sqlset"
)

// The engine's fixed statements live in queries.sql, which also says which
// tables the package owns. They are loaded once, and New fails when one is
// missing, misspelt or unused.

//go:embed queries.sql
var queriesSQL string

// statements are the blocks of queries.sql, one field each.
type statements struct {
	LoadTurn            string `sql:"load-turn"`
	SaveTurn            string `sql:"save-turn"`
	Transcript          string `sql:"transcript"`
	DraftPhotoBytes     string `sql:"draft-photo-bytes"`
	Profile             string `sql:"profile"`
	SaveProfile         string `sql:"save-profile"`
	OptOut              string `sql:"opt-out"`
	Unblock             string `sql:"unblock"`
	Block               string `sql:"block"`
	IsBlocked           string `sql:"is-blocked"`
	OptedOut            string `sql:"opted-out"`
	LastWords           string `sql:"last-words"`
	StalledEmergencies  string `sql:"stalled-emergencies"`
	SaveState           string `sql:"save-state"`
	HeedLine            string `sql:"heed-line"`
	OwnerChat           string `sql:"owner-chat"`
	Tell                string `sql:"tell"`
	TellSurvey          string `sql:"tell-survey"`
	RevisitLock         string `sql:"revisit-lock"`
	RevisitDecided      string `sql:"revisit-decided"`
	RevisitNextSeq      string `sql:"revisit-next-seq"`
	RevisitSkipped      string `sql:"revisit-skipped"`
	RevisitDrawn        string `sql:"revisit-drawn"`
	RevisitAnswered     string `sql:"revisit-answered"`
	RevisitUndecided    string `sql:"revisit-undecided"`
	RevisitsToRemind    string `sql:"revisits-to-remind"`
	RevisitReminded     string `sql:"revisit-reminded"`
	RevisitNoResponse   string `sql:"revisit-no-response"`
	CallList            string `sql:"call-list"`
	RevisitRows         string `sql:"revisit-rows"`
	RevisitPhone        string `sql:"revisit-phone-answered"`
	SurveyRun           string `sql:"survey-run"`
	SurveyRuns          string `sql:"survey-runs"`
	SurveyStartLock     string `sql:"survey-start-lock"`
	OpenSurveyRun       string `sql:"open-survey-run"`
	OpenSurveyRunID     string `sql:"open-survey-run-id"`
	RecipientCounts     string `sql:"recipient-counts"`
	SurveyOwners        string `sql:"survey-owners"`
	InsertRecipient     string `sql:"insert-recipient"`
	SurveyWaiting       string `sql:"survey-waiting"`
	Recipient           string `sql:"recipient"`
	SurveyAnswer        string `sql:"survey-answer"`
	RecipientAnswered   string `sql:"recipient-answered"`
	RecipientSent       string `sql:"recipient-sent"`
	NextWaitingSurvey   string `sql:"next-waiting-survey"`
	LeaveSurvey         string `sql:"leave-survey"`
	LeaveSurveys        string `sql:"leave-surveys"`
	SurveyAnswers       string `sql:"survey-answers"`
	CloseSurveyRun      string `sql:"close-survey-run"`
	CloseDueSurveyRuns  string `sql:"close-due-survey-runs"`
	SurveySummaryPosted string `sql:"survey-summary-posted"`
	CorrectionsToLearn  string `sql:"corrections-to-learn"`
	Corrections         string `sql:"corrections"`
	RecordCorrection    string `sql:"record-correction"`
	OwnerMessage        string `sql:"owner-message"`
	// The complaint desk in a browser (deskowner.go).
	DeskOwnerIdentities   string `sql:"desk-owner-identities"`
	DeskOwnerConversation string `sql:"desk-owner-conversation"`
	AnsweredRevisits      string `sql:"answered-revisits"`    // reportfacts.go
	OwnerMessageCounts    string `sql:"owner-message-counts"` // reportfacts.go
	RevisitSentAt         string `sql:"revisit-sent-at"`      // revisitstaff.go
	RevisitResend         string `sql:"revisit-resend"`
	RevisitsNotSent       string `sql:"revisits-not-sent"`
	RevisitStates         string `sql:"revisit-states"`
	CountInbound          string `sql:"count-inbound"` // reportfacts.go
}

// stmt holds the statements once loadQueries has filled it.
var stmt statements

var loadQueries = sync.OnceValue(func() error { return sqlset.Load(&stmt, "conversation", queriesSQL) })

// DraftPhotoBytes is the size of the photos in the complaint a person is
// filling in on a channel (the web chat budgets them, bots/web).
func DraftPhotoBytes(ctx context.Context, db sqlx.QueryerContext, channel, userID string) (int64, error) {
	if err := loadQueries(); err != nil {
		return 0, err
	}
	var n int64
	err := sqlx.GetContext(ctx, db, &n, stmt.DraftPhotoBytes, channel, userID)
	return n, err
}
