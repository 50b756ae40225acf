// Package wechatfake is a fake WeChat Official Account API for tests,
// speaking the real wire format: GET /cgi-bin/token hands out access tokens
// (and counts the fetches), every other endpoint checks ?access_token= and
// answers JSON {"errcode": N, "errmsg": "…"} as WeChat does (40001 for a
// token it no longer accepts, 45015 outside the 48-hour window, 43004 for
// an owner who unfollowed). It also builds signed webhook posts, plaintext
// and safe mode, exactly as WeChat sends them (post.go).
package wechatfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/internal/fakeapi"
)

// Server is the fake API. Point heed at it with HEED_WECHAT_API_URL=URL.
type Server struct {
	URL string

	AppID, Secret string

	mu         sync.Mutex
	srv        *httptest.Server
	fetches    int
	tokens     map[string]bool // issued → still accepted
	closed     map[string]bool // OpenIDs outside the customer-service window
	gone       map[string]bool // OpenIDs that unfollowed
	media      map[string]Media
	fail       map[string][]APIError // path → errors to answer next, in order
	failHTTP   map[string]int        // path → HTTP status to answer from now on
	calls      fakeapi.Log[Call]
	tokenDelay time.Duration
	tagged     map[int][]string // user tag → followers carrying it
	massGot    map[string]int   // OpenID → mass messages received
}

// Tag gives followers a user tag, as the tags API would have.
func (s *Server) Tag(tagID int, openIDs ...string) {
	s.mu.Lock()
	if s.tagged == nil {
		s.tagged = map[int][]string{}
	}
	s.tagged[tagID] = append(s.tagged[tagID], openIDs...)
	s.mu.Unlock()
}

// MassReceived is how many mass messages (sendall by tag) reached a follower.
func (s *Server) MassReceived(openID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.massGot[openID]
}

// Media is a file media/get serves.
type Media struct {
	MIME string
	Data []byte
}

// APIError is an answer {"errcode", "errmsg"}.
type APIError struct {
	Code int
	Msg  string
}

// Call is one API request the fake answered successfully.
type Call struct {
	Path  string         // "message/custom/send"
	Query string         // without the access token
	Body  map[string]any // the JSON body, decoded
}

// New starts a fake for the account appID/secret, closed when the test ends.
func New(t testing.TB, appID, secret string) *Server {
	s := &Server{AppID: appID, Secret: secret, tokens: map[string]bool{}, closed: map[string]bool{},
		gone: map[string]bool{}, media: map[string]Media{}, fail: map[string][]APIError{}, failHTTP: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// TokenFetches is how many access tokens were handed out.
func (s *Server) TokenFetches() int { s.mu.Lock(); defer s.mu.Unlock(); return s.fetches }

// SetTokenDelay makes each token fetch take d (widens races in tests).
func (s *Server) SetTokenDelay(d time.Duration) { s.mu.Lock(); s.tokenDelay = d; s.mu.Unlock() }

// RevokeTokens makes every token handed out so far invalid (40001), as a
// token fetched elsewhere, or reset in the console, does.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.tokens {
		s.tokens[k] = false
	}
}

// CloseWindow makes customer-service messages to openID answer 45015.
func (s *Server) CloseWindow(openID string) { s.mu.Lock(); s.closed[openID] = true; s.mu.Unlock() }

// Unfollow makes every message to openID answer 43004.
func (s *Server) Unfollow(openID string) { s.mu.Lock(); s.gone[openID] = true; s.mu.Unlock() }

// AddMedia makes media/get serve data for mediaID.
func (s *Server) AddMedia(mediaID, mime string, data []byte) {
	s.mu.Lock()
	s.media[mediaID] = Media{MIME: mime, Data: data}
	s.mu.Unlock()
}

// FailNext makes the next request to path (e.g. "message/custom/send")
// answer errcode code.
func (s *Server) FailNext(path string, code int, msg string) {
	s.mu.Lock()
	s.fail[path] = append(s.fail[path], APIError{code, msg})
	s.mu.Unlock()
}

// FailHTTP makes every request to path answer the HTTP status (a proxy or
// WeChat in trouble); 0 heals it.
func (s *Server) FailHTTP(path string, status int) {
	s.mu.Lock()
	s.failHTTP[path] = status
	s.mu.Unlock()
}

// Calls are the requests answered with errcode 0 on path ("" for all).
func (s *Server) Calls(path string) []Call {
	return s.calls.Where(func(c Call) bool { return path == "" || c.Path == path })
}

// Texts are the customer-service texts sent to openID ("" for everyone), in order.
func (s *Server) Texts(openID string) []string {
	var out []string
	for _, c := range s.Calls("message/custom/send") {
		if openID != "" && c.Body["touser"] != openID {
			continue
		}
		switch c.Body["msgtype"] {
		case "text":
			out = append(out, c.Body["text"].(map[string]any)["content"].(string))
		case "msgmenu":
			mm := c.Body["msgmenu"].(map[string]any)
			out = append(out, mm["head_content"].(string))
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	json.NewEncoder(w).Encode(v) //nolint:errcheck
}

func writeErr(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, map[string]any{"errcode": code, "errmsg": msg + " rid: 6650a2f3-0b1c2d3e-4f5a6b7c"})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, "/cgi-bin/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	if path == "token" {
		s.token(w, q.Get("grant_type"), q.Get("appid"), q.Get("secret"))
		return
	}
	s.mu.Lock()
	valid, issued := s.tokens[q.Get("access_token")]
	status := s.failHTTP[path]
	s.mu.Unlock()
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	switch {
	case q.Get("access_token") == "":
		writeErr(w, 41001, "access_token missing")
		return
	case !issued:
		writeErr(w, 40014, "invalid access_token")
		return
	case !valid:
		writeErr(w, 40001, "invalid credential, access_token is invalid or not latest")
		return
	}
	var body map[string]any
	if r.Method == http.MethodPost {
		data, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(data, &body); err != nil {
			writeErr(w, 47001, "data format error")
			return
		}
	}
	s.mu.Lock()
	if f := s.fail[path]; len(f) > 0 {
		s.fail[path] = f[1:]
		s.mu.Unlock()
		writeErr(w, f[0].Code, f[0].Msg)
		return
	}
	q.Del("access_token")
	to, _ := body["touser"].(string)
	switch {
	case (path == "message/custom/send" || path == "message/template/send") && s.gone[to]:
		s.mu.Unlock()
		writeErr(w, 43004, "require subscribe")
		return
	case path == "message/custom/send" && s.closed[to]:
		s.mu.Unlock()
		writeErr(w, 45015, "response out of time limit or subscription is canceled")
		return
	}
	n := s.calls.Add(Call{Path: path, Query: q.Encode(), Body: body})
	if filter, ok := body["filter"].(map[string]any); ok && path == "message/mass/sendall" {
		tag, _ := filter["tag_id"].(float64)
		if s.massGot == nil {
			s.massGot = map[string]int{}
		}
		for _, id := range s.tagged[int(tag)] {
			s.massGot[id]++
		}
	}
	s.mu.Unlock()

	switch path {
	case "message/custom/send", "menu/create", "tags/members/batchtagging", "tags/members/batchuntagging":
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
	case "message/template/send":
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": 200228300 + n})
	case "message/mass/sendall":
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "send job submission success", "msg_id": 34182 + n, "msg_data_id": 206227730 + n})
	case "tags/create":
		writeJSON(w, map[string]any{"tag": map[string]any{"id": 100 + n, "name": body["tag"].(map[string]any)["name"]}})
	case "media/get":
		s.mu.Lock()
		m, ok := s.media[q.Get("media_id")]
		s.mu.Unlock()
		if !ok {
			writeErr(w, 40007, "invalid media_id")
			return
		}
		w.Header().Set("Content-Type", m.MIME)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, q.Get("media_id")))
		w.Write(m.Data) //nolint:errcheck
	default:
		writeErr(w, 48001, "api unauthorized")
	}
}

func (s *Server) token(w http.ResponseWriter, grant, appID, secret string) {
	switch {
	case grant != "client_credential":
		writeErr(w, 40002, "invalid grant_type")
		return
	case appID != s.AppID:
		writeErr(w, 40013, "invalid appid")
		return
	case secret != s.Secret:
		writeErr(w, 40125, "invalid appsecret")
		return
	}
	s.mu.Lock()
	delay := s.tokenDelay
	s.mu.Unlock()
	time.Sleep(delay)
	s.mu.Lock()
	s.fetches++
	tok := fmt.Sprintf("ACCESS_TOKEN_%d_%s", s.fetches, strings.Repeat("x", 16))
	s.tokens[tok] = true
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": 7200})
}
