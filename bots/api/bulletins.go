package api

// Bulletins (公告) to communities' groups and to the owners of the cases
// they resolve: post one, follow its progress, resend the targets whose
// delivery is uncertain.

import (
	"errors"
	"net/http"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
)

// postBulletin is POST /api/v1/bulletins.
func (a *API) postBulletin(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Actor       string   `json:"actor"`
		Key         string   `json:"key"`
		Title       string   `json:"title"`
		Body        string   `json:"body"`
		Communities []string `json:"communities"`
		Cases       []string `json:"cases"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	actor, err := a.act(r, req.Actor, oversee("bulletins are posted by complaint specialists, the quality representative or the general manager"))
	if err != nil {
		return err
	}
	id, err := a.desk.PostBulletin(r.Context(), desk.Bulletin{Key: req.Key, Title: req.Title, Body: req.Body,
		Communities: req.Communities, Cases: req.Cases, CreatedBy: actor.ID}, time.Now())
	if errors.Is(err, desk.ErrBulletinInvalid) {
		return &cases.Error{Code: cases.CodeInvalid, Field: "body", Message: err.Error()}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id})
	return nil
}

// bulletin is GET /api/v1/bulletins/{id}: its progress, target by target.
func (a *API) bulletin(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := a.desk.BulletinProgress(r.Context(), id)
	if errors.Is(err, desk.ErrBulletinNotFound) {
		return &cases.Error{Code: cases.CodeNotFound, Message: "no bulletin " + r.PathValue("id")}
	}
	if err != nil {
		return err
	}
	if p.Targets == nil {
		p.Targets = []desk.TargetState{} // a list in JSON, never null
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// resendUncertain is POST /api/v1/bulletins/{id}/resend-uncertain. Targets
// whose send was out when heed stopped are not resent by themselves (they
// may have arrived): a person decides.
func (a *API) resendUncertain(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req struct {
		Actor string `json:"actor"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if _, err := a.act(r, req.Actor, oversee("bulletins are resent by complaint specialists, the quality representative or the general manager")); err != nil {
		return err
	}
	n, err := a.desk.ResendUncertain(r.Context(), id, time.Now())
	if errors.Is(err, notify.ErrNothingUncertain) {
		return &cases.Error{Code: cases.CodeNotFound, Message: "bulletin " + r.PathValue("id") + " has no target whose delivery is uncertain"}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"resending": n})
	return nil
}
