package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/caseapi"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify/desk"
)

// defaultSurveyOpen is how long a survey stays open when the request does
// not say.
const defaultSurveyOpen = 7 * 24 * time.Hour

// surveyRoutes adds the satisfaction-survey endpoints (问卷, 004 §5.4): start
// a survey for a community, read its result, close it early. platformsOn
// says which platforms can carry questions now.
func (s *server) surveyRoutes(api *caseapi.API, cfg *config.Config, platformsOn map[string]bool) {
	// Surveys are run by the quality representative (004 §5.4), the
	// specialists or the general manager.
	const rule = "surveys are run by the quality representative, complaint specialists or the general manager"
	oversee, read := caseapi.Oversee(rule), caseapi.DeskRead(rule)
	runID := func(r *http.Request) (int64, error) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return 0, &cases.Error{Code: cases.CodeInvalid, Field: "id", Message: "id: not a number"}
		}
		return id, nil
	}
	api.Handle(s.mux, "POST /api/v1/surveys", func(w http.ResponseWriter, r *http.Request) error {
		var req struct {
			Actor     string `json:"actor"`
			Survey    string `json:"survey"`
			Community string `json:"community"`
			ClosesAt  string `json:"closes_at"` // RFC 3339, or a date: open through that day
			ClosesIn  string `json:"closes_in"` // "7d", "48h"; default 7d
		}
		if err := caseapi.Decode(w, r, &req); err != nil {
			return err
		}
		actor, err := api.Act(r, req.Actor, oversee)
		if err != nil {
			return err
		}
		start := conversation.SurveyStart{Survey: req.Survey, Community: req.Community, Actor: actor.ID, Platforms: platformsOn}
		switch {
		case req.ClosesAt != "" && req.ClosesIn != "":
			return &cases.Error{Code: cases.CodeInvalid, Field: "closes_in", Message: "closes_in: give closes_at or closes_in, not both"}
		case req.ClosesAt != "":
			at, err := parseCloses(req.ClosesAt, s.svc.Calendar().Location())
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
				start.ClosesAt = s.svc.Calendar().Add(s.svc.Now(), sp)
			}
		default:
			start.ClosesIn = defaultSurveyOpen
		}
		res, err := s.engine.StartSurvey(r.Context(), start)
		if err != nil {
			return err
		}
		status := http.StatusCreated
		if res.Existing {
			status = http.StatusOK // the open run of this survey: nothing sent again
		}
		s.log.Info("survey started", "run", res.ID, "survey", res.Survey, "community", res.Community, "existing", res.Existing,
			"sent", res.Sent, "waiting", res.Waiting, "opted_out", res.SkippedOptedOut)
		caseapi.WriteJSON(w, status, res)
		return nil
	})
	api.Handle(s.mux, "GET /api/v1/surveys", api.Requiring(read, func(w http.ResponseWriter, r *http.Request) error {
		runs, err := s.engine.SurveyRuns(r.Context(), 200)
		if err != nil {
			return err
		}
		caseapi.WriteJSON(w, http.StatusOK, map[string]any{"surveys": runs})
		return nil
	}))
	api.Handle(s.mux, "GET /api/v1/surveys/{id}", api.Requiring(read, func(w http.ResponseWriter, r *http.Request) error {
		id, err := runID(r)
		if err != nil {
			return err
		}
		sum, err := s.engine.SurveySummary(r.Context(), id)
		if err != nil {
			return err
		}
		caseapi.WriteJSON(w, http.StatusOK, sum)
		return nil
	}))
	// staffOnRun reads the run of the path and the acting staff member of
	// the body ({"actor"}), who must be allowed to run surveys.
	staffOnRun := func(w http.ResponseWriter, r *http.Request) (int64, string, error) {
		id, err := runID(r)
		if err != nil {
			return 0, "", err
		}
		var req struct {
			Actor string `json:"actor"`
		}
		if err := caseapi.Decode(w, r, &req); err != nil {
			return 0, "", err
		}
		actor, err := api.Act(r, req.Actor, oversee)
		return id, actor.ID, err
	}
	api.Handle(s.mux, "POST /api/v1/surveys/{id}/close", func(w http.ResponseWriter, r *http.Request) error {
		id, actor, err := staffOnRun(w, r)
		if err != nil {
			return err
		}
		sum, closedNow, err := s.engine.CloseSurvey(r.Context(), id, s.desk.ToSpecialists)
		if err != nil {
			return err
		}
		if closedNow {
			s.log.Info("survey closed early", "run", id, "by", actor)
		}
		caseapi.WriteJSON(w, http.StatusOK, map[string]any{"closed_now": closedNow, "summary": sum})
		return nil
	})
	// A closed survey's results, published to the community's owners as a
	// bulletin (004 §7.1.8): figures only, not the opinions. Publishing
	// again returns the same bulletin.
	api.Handle(s.mux, "POST /api/v1/surveys/{id}/publish", func(w http.ResponseWriter, r *http.Request) error {
		id, actor, err := staffOnRun(w, r)
		if err != nil {
			return err
		}
		sum, err := s.engine.SurveySummary(r.Context(), id)
		if err != nil {
			return err
		}
		if sum.ClosedAt == nil {
			return &cases.Error{Code: cases.CodeConflict, Message: "the survey is still open: close it first (POST /api/v1/surveys/" + r.PathValue("id") + "/close)"}
		}
		bid, err := s.desk.PostBulletin(r.Context(), desk.Bulletin{Key: "survey-results-" + r.PathValue("id"),
			Title: "问卷调查结果", Body: conversation.SurveyResultsText(sum), Communities: []string{sum.Community}, CreatedBy: actor}, time.Now())
		if err != nil {
			return err
		}
		caseapi.WriteJSON(w, http.StatusCreated, map[string]any{"bulletin": bid})
		return nil
	})
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

// sweepSurveys closes the surveys whose time is up and posts each summary
// to the specialists' chats, once whatever the number of heed serve.
func (s *server) sweepSurveys(ctx context.Context) {
	closed, err := s.engine.SweepSurveys(ctx, s.desk.ToSpecialists)
	if err != nil && ctx.Err() == nil {
		s.log.Error("survey sweep", "err", err)
	}
	for _, id := range closed {
		s.log.Info("survey closed", "run", id)
	}
}
