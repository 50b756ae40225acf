// Package webhook is what heed's platform webhooks share in reading a
// request: one bound on the body, and one answer when it is passed.
package webhook

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// MaxBody bounds a webhook body. The platforms post a few KB, an owner's
// longest text (kept and answered, see conversation) some 100 KB encrypted:
// the bound is well above what a platform sends, and refuses what none does.
const MaxBody = 1 << 20

// ReadBody reads r's body, at most MaxBody bytes. On failure it has
// answered: 413 naming the bound (the platform must not retry), else 400.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err == nil {
		return body, true
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		http.Error(w, fmt.Sprintf("request body larger than %d MB", MaxBody>>20), http.StatusRequestEntityTooLarge)
	} else {
		http.Error(w, "could not read the request body", http.StatusBadRequest)
	}
	return nil, false
}
