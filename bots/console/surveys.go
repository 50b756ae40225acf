package console

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify/desk"
)

// Satisfaction surveys (问卷, 004 §5.4): start one for a community — the
// same inputs and rules as POST /api/v1/surveys (notify/desk's
// SurveyStart) — and read a run's result (the engine's summary).

// surveysShown is how many runs the list shows, newest first.
const surveysShown = 50

// surveyForm is the start form's values, kept when a start is refused.
type surveyForm struct{ Survey, Community, ClosesIn, ClosesAt string }

type surveysPage struct {
	On          bool
	Runs        []conversation.SurveyRun
	Surveys     []config.Survey
	Communities []config.Community
	Form        surveyForm
	Problem     string
}

// surveysPage is GET /desk/surveys.
func (c *Console) surveysPage(w http.ResponseWriter, r *http.Request) error {
	if err := deskOnly(r, desk.SurveyRule); err != nil {
		return err
	}
	return c.renderSurveys(w, r, http.StatusOK, surveyForm{ClosesIn: "7d"}, "")
}

func (c *Console) renderSurveys(w http.ResponseWriter, r *http.Request, status int, f surveyForm, problem string) error {
	pg := surveysPage{On: c.surveys != nil, Surveys: c.cfg.Surveys, Communities: c.cfg.Communities, Form: f, Problem: problem}
	if pg.On {
		runs, err := c.surveys.SurveyRuns(r.Context(), surveysShown)
		if err != nil {
			return err
		}
		pg.Runs = runs
	}
	return c.render(w, r, status, "surveys", pg)
}

// startSurvey is POST /desk/surveys: the survey's first question goes to
// the community's owners on the platforms that are on; starting a survey
// already open there sends nothing and shows that run.
func (c *Console) startSurvey(w http.ResponseWriter, r *http.Request) error {
	if c.surveys == nil {
		return &cases.Error{Code: cases.CodeNotFound, Message: "surveys are off"}
	}
	f := surveyForm{Survey: r.PostFormValue("survey"), Community: r.PostFormValue("community"),
		ClosesIn: r.PostFormValue("closes_in"), ClosesAt: r.PostFormValue("closes_at")}
	p := PersonOf(r)
	start, err := c.desk.SurveyStart(p.AtDesk(), f.Survey, f.Community, f.ClosesAt, f.ClosesIn)
	var res *conversation.SurveyStarted
	if err == nil {
		res, err = c.surveys.StartSurvey(r.Context(), start)
	}
	if e := (*cases.Error)(nil); errors.As(err, &e) && e.Code == cases.CodeInvalid {
		return c.renderSurveys(w, r, http.StatusBadRequest, f, e.Message)
	}
	if err != nil {
		return err
	}
	c.log.Info("survey started", "run", res.ID, "survey", res.Survey, "community", res.Community, "existing", res.Existing,
		"sent", res.Sent, "waiting", res.Waiting, "by", p.ID)
	started := "started"
	if res.Existing {
		started = "existing"
	}
	http.Redirect(w, r, fmt.Sprintf("/desk/surveys/%d?%s=1", res.ID, started), http.StatusSeeOther)
	return nil
}

type surveyPage struct {
	*conversation.SurveySummary
	Started, Existing bool
}

// surveyPage is GET /desk/surveys/{id}: a run's result so far, the free
// answers with phone numbers masked as team chat shows them.
func (c *Console) surveyPage(w http.ResponseWriter, r *http.Request) error {
	if err := deskOnly(r, desk.SurveyRule); err != nil {
		return err
	}
	if c.surveys == nil {
		return &cases.Error{Code: cases.CodeNotFound, Message: "surveys are off"}
	}
	id, err := officeID(r)
	if err != nil {
		return err
	}
	sum, err := c.surveys.SurveySummary(r.Context(), id)
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	return c.render(w, r, http.StatusOK, "survey", surveyPage{SurveySummary: sum, Started: qs.Has("started"), Existing: qs.Has("existing")})
}

// SurveyRate is a share as the survey page shows it, one decimal.
func (v *View) SurveyRate(f *float64) string {
	if f == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", *f)
}

// SurveyAverage is a scale question's average, two decimals.
func (v *View) SurveyAverage(f *float64) string {
	if f == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f", *f)
}
