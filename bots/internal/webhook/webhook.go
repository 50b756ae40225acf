// Package webhook is what heed's platform webhooks share in reading a
// request: one bound on the body, and one answer when it is passed.
package webhook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
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

// WithoutNUL returns a JSON body with every escaped NUL (\u0000) in its
// strings turned into U+FFFD. PostgreSQL refuses NUL in text: a NUL in an
// owner's or a staff member's text would fail the transaction, and the
// platform would deliver the update again for ever. (A raw NUL is not
// valid JSON and is refused as such.)
func WithoutNUL(body []byte) []byte {
	const nul, repl = `\u0000`, `\ufffd`
	if !bytes.Contains(body, []byte(nul)) {
		return body
	}
	out := make([]byte, 0, len(body))
	slashes := 0 // backslashes just before: an odd count escapes the next one
	for i := 0; i < len(body); i++ {
		if body[i] == '\\' && slashes%2 == 0 && bytes.HasPrefix(body[i:], []byte(nul)) {
			out = append(out, repl...)
			i += len(nul) - 1
			slashes = 0
			continue
		}
		if body[i] == '\\' {
			slashes++
		} else {
			slashes = 0
		}
		out = append(out, body[i])
	}
	return out
}

// FormWithoutNUL is WithoutNUL for a form body (Slack's commands, and its
// interactions' JSON payload field): NUL in any value becomes U+FFFD.
func FormWithoutNUL(body []byte) []byte {
	if !bytes.Contains(body, []byte("%00")) && !bytes.Contains(bytes.ToLower(body), []byte("%5cu0000")) {
		return body
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return body // refused as malformed where it is read
	}
	for _, vs := range form {
		for i, v := range vs {
			vs[i] = strings.ReplaceAll(string(WithoutNUL([]byte(v))), "\x00", "\uFFFD")
		}
	}
	return []byte(form.Encode())
}
