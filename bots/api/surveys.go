package api

// Satisfaction surveys (问卷, 004 §5.4): start one for a community, list
// them, read a result, close one early, publish its figures.

import (
	"net/http"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify/desk"
)

// Surveys are run by the quality representative (004 §5.4), the
// specialists or the general manager: notify/desk's rule, as in the console.
var surveyRun, surveyRead = oversee(desk.SurveyRule), deskRead(desk.SurveyRule)

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
	who, _ := a.desk.StaffMember(actor.ID, cases.ChannelAPI)
	start, err := a.desk.SurveyStart(who, req.Survey, req.Community, req.ClosesAt, req.ClosesIn)
	if err != nil {
		return err
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
