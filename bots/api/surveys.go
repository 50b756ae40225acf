package api

// Satisfaction surveys (问卷, 004 §5.4): start one for a community, list
// them, read a result, close one early, publish its figures.

import (
	"net/http"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify/desk"
)

// defaultSurveyOpen is how long a survey stays open when the request does
// not say.
const defaultSurveyOpen = 7 * 24 * time.Hour

// Surveys are run by the quality representative (004 §5.4), the
// specialists or the general manager.
const surveyRule = "surveys are run by the quality representative, complaint specialists or the general manager"

var surveyRun, surveyRead = oversee(surveyRule), deskRead(surveyRule)

// startSurvey is POST /api/v1/surveys: the questions go out on the
// platforms that are on now.
func (a *API) startSurvey(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Actor     string `json:"actor"`
		Survey    string `json:"survey"`
		Community string `json:"community"`
		ClosesAt  string `json:"closes_at"` // RFC 3339, or a date: open through that day
		ClosesIn  string `json:"closes_in"` // "7d", "48h"; default 7d
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	actor, err := a.act(r, req.Actor, surveyRun)
	if err != nil {
		return err
	}
	start := conversation.SurveyStart{Survey: req.Survey, Community: req.Community, Actor: actor.ID, Platforms: a.svc.Config().PlatformsOn()}
	switch {
	case req.ClosesAt != "" && req.ClosesIn != "":
		return &cases.Error{Code: cases.CodeInvalid, Field: "closes_in", Message: "closes_in: give closes_at or closes_in, not both"}
	case req.ClosesAt != "":
		at, err := parseCloses(req.ClosesAt, a.svc.Calendar().Location())
		if err != nil {
			return err
		}
		start.ClosesAt = at
	case req.ClosesIn != "":
		sp, err := config.ParseSpan(req.ClosesIn)
		switch {
		case err != nil:
			return &cases.Error{Code: cases.CodeInvalid, Field: "closes_in", Message: "closes_in: a duration such as 7d, 48h, 5wd (working days) or 1mo"}
		case sp.Unit == config.SpanElapsed:
			start.ClosesIn = sp.D
		default: // working time and months count through the calendar
			start.ClosesAt = a.svc.Calendar().Add(a.svc.Now(), sp)
		}
	default:
		start.ClosesIn = defaultSurveyOpen
	}
	res, err := a.eng.StartSurvey(r.Context(), start)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Existing {
		status = http.StatusOK // the open run of this survey: nothing sent again
	}
	a.log.Info("survey started", "run", res.ID, "survey", res.Survey, "community", res.Community, "existing", res.Existing,
		"sent", res.Sent, "waiting", res.Waiting, "opted_out", res.SkippedOptedOut)
	writeJSON(w, status, res)
	return nil
}

// surveys is GET /api/v1/surveys: the newest 200 runs.
func (a *API) surveys(w http.ResponseWriter, r *http.Request) error {
	runs, err := a.eng.SurveyRuns(r.Context(), 200)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"surveys": runs})
	return nil
}

// survey is GET /api/v1/surveys/{id}: a run's result so far.
func (a *API) survey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sum, err := a.eng.SurveySummary(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

// closeSurvey is POST /api/v1/surveys/{id}/close: the run closed now, its
// summary posted to the specialists (once).
func (a *API) closeSurvey(w http.ResponseWriter, r *http.Request) error {
	id, actor, err := a.staffOnRun(w, r)
	if err != nil {
		return err
	}
	sum, closedNow, err := a.eng.CloseSurvey(r.Context(), id, a.desk.ToSpecialists)
	if err != nil {
		return err
	}
	if closedNow {
		a.log.Info("survey closed early", "run", id, "by", actor)
	}
	writeJSON(w, http.StatusOK, map[string]any{"closed_now": closedNow, "summary": sum})
	return nil
}

// publishSurvey is POST /api/v1/surveys/{id}/publish: a closed survey's
// results, published to the community's owners as a bulletin (004 §7.1.8):
// figures only, not the opinions. Publishing again returns the same
// bulletin.
func (a *API) publishSurvey(w http.ResponseWriter, r *http.Request) error {
	id, actor, err := a.staffOnRun(w, r)
	if err != nil {
		return err
	}
	sum, err := a.eng.SurveySummary(r.Context(), id)
	if err != nil {
		return err
	}
	if sum.ClosedAt == nil {
		return &cases.Error{Code: cases.CodeConflict, Message: "the survey is still open: close it first (POST /api/v1/surveys/" + r.PathValue("id") + "/close)"}
	}
	bid, err := a.desk.PostBulletin(r.Context(), desk.Bulletin{Key: "survey-results-" + r.PathValue("id"),
		Title: "问卷调查结果", Body: conversation.SurveyResultsText(sum), Communities: []string{sum.Community}, CreatedBy: actor}, time.Now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"bulletin": bid})
	return nil
}

// staffOnRun reads the run of the path and the acting staff member of the
// body ({"actor"}), who must be allowed to run surveys.
func (a *API) staffOnRun(w http.ResponseWriter, r *http.Request) (int64, string, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, "", err
	}
	var req struct {
		Actor string `json:"actor"`
	}
	if err := decode(w, r, &req); err != nil {
		return 0, "", err
	}
	actor, err := a.act(r, req.Actor, surveyRun)
	return id, actor.ID, err
}

// parseCloses reads closes_at: an RFC 3339 time, or a date (the survey is
// open through that day in the calendar's time zone).
func parseCloses(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return d.AddDate(0, 0, 1), nil
	}
	return time.Time{}, &cases.Error{Code: cases.CodeInvalid, Field: "closes_at",
		Message: "closes_at: a time such as 2026-12-01T18:00:00+08:00, or a date 2026-12-01 (open through that day)"}
}
