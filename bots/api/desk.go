package api

// The complaint desk's lists and mending: the revisit call list, the
// outbox's dead letters and retrying one.

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify"
)

// callList is GET /api/v1/revisits/no-response: the owners a revisit did
// not reach, to be called.
func (a *API) callList(w http.ResponseWriter, r *http.Request) error {
	list, err := a.eng.CallList(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"call_list": list})
	return nil
}

// deadLetters is GET /api/v1/outbox/dead: the newest 200 messages delivery
// gave up on.
func (a *API) deadLetters(w http.ResponseWriter, r *http.Request) error {
	dead, err := notify.DeadLetters(r.Context(), a.svc.DB(), 200)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"dead": dead})
	return nil
}

// retry is POST /api/v1/outbox/{id}/retry: a dead letter queued again.
func (a *API) retry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := notify.Retry(r.Context(), a.svc.DB(), id, time.Now()); errors.Is(err, notify.ErrNotDead) {
		return &cases.Error{Code: cases.CodeNotFound, Message: "no dead letter " + r.PathValue("id")}
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"retrying": id})
	return nil
}

// pathID reads the number {id} of the path.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, &cases.Error{Code: cases.CodeInvalid, Field: "id", Message: "id: not a number"}
	}
	return id, nil
}
