// Package slackfake is a fake Slack for tests: a Web API speaking the real
// wire format (POST /api/<method>, form-encoded or JSON bodies, the token as
// a form field or a Bearer header, {"ok":true,…} answers, {"ok":false,
// "error":"channel_not_found"} failures, 429 with Retry-After), response_url
// endpoints, and builders of the signed requests Slack sends to an app
// (events, block_actions, view_submission, slash commands).
//
// It checks what a real workspace would reject and heed could get wrong:
// Block Kit limits and duplicate ids (invalid_blocks), updates of messages
// it never posted (message_not_found), missing trigger ids.
package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/internal/fakeapi"
)

// Call is one Web API request the fake received.
type Call struct {
	Method string
	// Params are the form fields, or the top-level fields of a JSON body;
	// a field that is not a string (view, blocks in JSON) is its JSON text.
	// The token is not among them.
	Params map[string]string
	Token  string
	// Result holds the ids the fake answered with: "ts", "channel",
	// "view_id", "view_hash".
	Result map[string]string
	At     time.Time
}

// Decode unmarshals a JSON-valued parameter (blocks, view) into v.
func (c Call) Decode(param string, v any) error {
	s, ok := c.Params[param]
	if !ok {
		return fmt.Errorf("%s has no %q", c.Method, param)
	}
	return json.Unmarshal([]byte(s), v)
}

// Failure is a scripted answer that replaces the next success of a method.
type Failure struct {
	Status     int    // HTTP status; 0 means 200 with {"ok":false,"error":Error}
	RetryAfter int    // seconds, sent as Retry-After with a 429
	Error      string // Slack's error code: channel_not_found, expired_trigger_id…
}

// Response is one message an app posted to a response_url.
type Response struct {
	Path string         // the response_url's path, /response/<name>
	Body map[string]any // response_type, replace_original, text…
	At   time.Time
}

// Text is the response's text.
func (r Response) Text() string { s, _ := r.Body["text"].(string); return s }

// Server is the fake.
type Server struct {
	*httptest.Server
	// Token is the bot token the fake accepts; "" accepts any.
	Token string
	// Now gives the clock ts values are made from (default time.Now).
	Now func() time.Time

	mu        sync.Mutex
	calls     fakeapi.Log[Call]
	failures  map[string][]Failure
	messages  map[string]map[string]bool // channel → ts of messages posted
	responses []Response
	seq       int
	files     map[string]File // path of url_private → file
}

// New starts a fake accepting token; it stops with the test.
func New(t testing.TB, token string) *Server {
	s := &Server{Token: token, Now: time.Now, failures: map[string][]Failure{}, messages: map[string]map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// APIURL is the Web API base to give the app (its HEED_SLACK_API_URL).
func (s *Server) APIURL() string { return s.URL + "/api" }

// ResponseURL is a response_url to put in an interaction payload; what is
// posted to it is kept as a Response.
func (s *Server) ResponseURL(name string) string { return s.URL + "/response/" + url.PathEscape(name) }

// Fail scripts the next answers of method ("chat.postMessage",
// "views.open", … or "response_url").
func (s *Server) Fail(method string, fs ...Failure) {
	s.mu.Lock()
	s.failures[method] = append(s.failures[method], fs...)
	s.mu.Unlock()
}

// Calls returns the calls of method ("" for all) so far.
func (s *Server) Calls(method string) []Call {
	return s.calls.Where(func(c Call) bool { return method == "" || c.Method == method })
}

// Posted returns the chat.postMessage calls to channel.
func (s *Server) Posted(channel string) []Call {
	var out []Call
	for _, c := range s.Calls("chat.postMessage") {
		if c.Params["channel"] == channel {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until method has been called at least n times.
func (s *Server) WaitCalls(t testing.TB, method string, n int) []Call {
	t.Helper()
	return fakeapi.Wait(t, fmt.Sprintf("%s calls to the fake Slack", method), n, func() []Call { return s.Calls(method) })
}

// Responses returns what was posted to response URLs so far.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.responses...)
}

// WaitResponses waits until at least n responses have arrived.
func (s *Server) WaitResponses(t testing.TB, n int) []Response {
	t.Helper()
	return fakeapi.Wait(t, "responses from the fake Slack", n, s.Responses)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/files-pri/") {
		s.serveFile(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/response/") {
		s.response(w, r)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok || method == "" {
		http.NotFound(w, r)
		return
	}
	params, token, err := readParams(r)
	if err != nil {
		reply(w, 200, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	call := Call{Method: method, Params: params, Token: token, Result: map[string]string{}, At: time.Now()}
	s.mu.Lock()
	var fail *Failure
	if fs := s.failures[method]; len(fs) > 0 {
		fail, s.failures[method] = &fs[0], fs[1:]
	}
	var body map[string]any
	if fail == nil {
		body = s.answer(&call)
	}
	s.calls.Add(call)
	s.mu.Unlock()
	switch {
	case fail != nil && fail.Status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(fail.RetryAfter))
		reply(w, 429, map[string]any{"ok": false, "error": "ratelimited"})
	case fail != nil && fail.Status != 0 && fail.Status != 200:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(fail.Status)
		io.WriteString(w, "<html><body>Slack is having trouble</body></html>")
	case fail != nil:
		reply(w, 200, map[string]any{"ok": false, "error": fail.Error})
	default:
		reply(w, 200, body)
	}
}

// answer plays one method; s.mu is held.
func (s *Server) answer(c *Call) map[string]any {
	fail := func(code string) map[string]any { return map[string]any{"ok": false, "error": code} }
	if c.Token == "" {
		return fail("not_authed")
	}
	if s.Token != "" && c.Token != s.Token {
		return fail("invalid_auth")
	}
	p := c.Params
	switch c.Method {
	case "auth.test":
		return map[string]any{"ok": true, "url": "https://heed-test.slack.com/", "team": "heed test",
			"user": "heed", "team_id": "T0HEED", "user_id": "U0HEEDBOT", "bot_id": "B0HEED"}
	case "chat.postMessage", "chat.update", "chat.postEphemeral":
		channel := p["channel"]
		if channel == "" {
			return fail("channel_not_found")
		}
		if p["text"] == "" && p["blocks"] == "" {
			return fail("no_text")
		}
		if p["blocks"] != "" {
			var blocks []map[string]any
			if err := json.Unmarshal([]byte(p["blocks"]), &blocks); err != nil {
				return fail("invalid_blocks_format")
			}
			if problem := checkBlocks(blocks, 50, false); problem != "" {
				return map[string]any{"ok": false, "error": "invalid_blocks", "errors": []string{problem}}
			}
		}
		switch c.Method {
		case "chat.postMessage":
			ts := s.nextTS()
			if s.messages[channel] == nil {
				s.messages[channel] = map[string]bool{}
			}
			s.messages[channel][ts] = true
			c.Result["ts"], c.Result["channel"] = ts, channel
			return map[string]any{"ok": true, "channel": channel, "ts": ts,
				"message": map[string]any{"type": "message", "text": p["text"], "ts": ts, "bot_id": "B0HEED"}}
		case "chat.update":
			ts := p["ts"]
			if !s.messages[channel][ts] {
				return fail("message_not_found")
			}
			c.Result["ts"], c.Result["channel"] = ts, channel
			return map[string]any{"ok": true, "channel": channel, "ts": ts, "text": p["text"],
				"message": map[string]any{"type": "message", "text": p["text"], "ts": ts}}
		default:
			if p["user"] == "" {
				return fail("user_not_found")
			}
			ts := s.nextTS()
			c.Result["ts"], c.Result["channel"] = ts, channel
			return map[string]any{"ok": true, "message_ts": ts}
		}
	case "views.open", "views.update", "views.push":
		if c.Method != "views.update" && p["trigger_id"] == "" {
			return fail("invalid_arguments")
		}
		if c.Method == "views.update" && p["view_id"] == "" && p["external_id"] == "" {
			return fail("invalid_arguments")
		}
		var view map[string]any
		if err := json.Unmarshal([]byte(p["view"]), &view); err != nil || view == nil {
			return fail("invalid_arguments")
		}
		if problem := checkView(view); problem != "" {
			return map[string]any{"ok": false, "error": "invalid_arguments",
				"response_metadata": map[string]any{"messages": []string{"[ERROR] " + problem}}}
		}
		id := p["view_id"]
		if id == "" {
			s.seq++
			id = fmt.Sprintf("V%08d", s.seq)
		}
		s.seq++
		hash := fmt.Sprintf("%d.%08d", s.Now().Unix(), s.seq)
		view["id"], view["hash"], view["team_id"] = id, hash, "T0HEED"
		c.Result["view_id"], c.Result["view_hash"] = id, hash
		return map[string]any{"ok": true, "view": view}
	}
	return map[string]any{"ok": true}
}

// nextTS makes a message ts, unique per fake; s.mu is held.
func (s *Server) nextTS() string {
	s.seq++
	return fmt.Sprintf("%d.%06d", s.Now().Unix(), s.seq%1000000)
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	var fail *Failure
	if fs := s.failures["response_url"]; len(fs) > 0 {
		fail, s.failures["response_url"] = &fs[0], fs[1:]
	}
	if fail == nil {
		s.responses = append(s.responses, Response{Path: r.URL.Path, Body: body, At: time.Now()})
	}
	s.mu.Unlock()
	if fail != nil {
		http.Error(w, fail.Error, max(fail.Status, 400))
		return
	}
	reply(w, 200, map[string]any{"ok": true})
}

// readParams reads a form or JSON body, and the token from the form or the
// Authorization header.
func readParams(r *http.Request) (map[string]string, string, error) {
	params := map[string]string{}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, "", err
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				params[k] = s
			} else {
				b, _ := json.Marshal(v)
				params[k] = string(b)
			}
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return nil, "", err
		}
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
	}
	if t, ok := params["token"]; ok {
		token = t
		delete(params, "token")
	}
	return params, token, nil
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
