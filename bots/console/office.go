package console

// The complaint desk's office work (bulletins.go, surveys.go, reports.go,
// deadletters.go): what team chat and the API give only the complaint desk
// — the specialists, the quality representative, the general manager.

import (
	"context"
	"net/http"
	"strconv"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// Surveys is what the survey pages ask of the conversation engine: the
// same calls as the API's /api/v1/surveys.
type Surveys interface {
	StartSurvey(ctx context.Context, req conversation.SurveyStart) (*conversation.SurveyStarted, error)
	SurveyRuns(ctx context.Context, limit int) ([]conversation.SurveyRun, error)
	SurveySummary(ctx context.Context, id int64) (*conversation.SurveySummary, error)
}

// SetSurveys connects the survey pages to the conversation engine.
func (c *Console) SetSurveys(s Surveys) { c.surveys = s }

// Refusals, in the words of the API's rules (bots/api) for the same steps.
const (
	ruleBulletins   = "bulletins are posted and followed by complaint specialists, the quality representative or the general manager"
	ruleReports     = "the analysis and the register of a period are read by complaint specialists, the quality representative or the general manager"
	ruleDeadLetters = "dead letters are read and retried by the complaint desk (specialists, the quality representative, the general manager)"
)

// deskOnlyPages are the menu's pages for the complaint desk only: the
// menu leaves them out for anyone else (deskOnly refuses them anyway).
var deskOnlyPages = map[string]bool{"bulletins": true, "surveys": true, "reports": true, "deadletters": true}

// deskOnly refuses, with rule, anyone who does not oversee every case:
// the one rule (config.StaffRef.Oversees) that the API's token check and
// team chat's commands apply to the same steps.
func deskOnly(r *http.Request, rule string) error {
	if !PersonOf(r).AtDesk().Oversees() {
		return &cases.Error{Code: cases.CodeForbidden, Message: rule}
	}
	return nil
}

// officeID reads the number {id} of the path; anything else is no page.
func officeID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &cases.Error{Code: cases.CodeNotFound, Message: "no such page"}
	}
	return id, nil
}
