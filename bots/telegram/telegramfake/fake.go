// Package telegramfake is a fake Telegram Bot API for tests: it speaks the
// real wire format (POST /bot{token}/{method}, multipart or JSON forms,
// {"ok":true,"result":…} answers, 429 with retry_after), records every call,
// and can be told to fail.
package telegramfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/internal/fakeapi"
)

// Call is one Bot API request the fake received.
type Call struct {
	Method string
	Params map[string]string // form fields; reply_markup is its JSON string
	At     time.Time
	// MessageID is the id the fake gave a sent message: what a reply to
	// it carries as reply_to_message.message_id.
	MessageID int
}

// Failure is a scripted answer that replaces the next success of a method.
type Failure struct {
	Status     int // 429, 500, 403 …
	RetryAfter int // seconds, for 429
	Desc       string
	// Hang holds the request unanswered until the client goes away; it is
	// not recorded as a call (nothing was delivered).
	Hang bool
	// Slow delivers normally, after this long (Status unset): a call that
	// is out when the client stops waiting for new work.
	Slow time.Duration
}

// Server is the fake.
type Server struct {
	*httptest.Server
	Token string

	mu       sync.Mutex
	calls    fakeapi.Log[Call]
	failures map[string][]Failure
	files    map[string][]byte // file_id → content
	nextID   int
	hanging  int
	quit     chan struct{} // closed when the test ends: releases hung requests
	// HangAfter: method → answers left before every further call hangs.
	hangAfter map[string]int
	release   chan struct{} // closed by StopHanging
}

// HangAfter lets method answer n more calls normally, then holds every
// further call unanswered (and unrecorded: it did not happen) until
// StopHanging — a platform that stops answering mid-way.
func (s *Server) HangAfter(method string, n int) {
	s.mu.Lock()
	if s.hangAfter == nil {
		s.hangAfter = map[string]int{}
	}
	s.hangAfter[method] = n
	s.mu.Unlock()
}

// StopHanging ends HangAfter and lets go of the calls it holds.
func (s *Server) StopHanging() {
	s.mu.Lock()
	s.hangAfter = nil
	close(s.release)
	s.release = make(chan struct{})
	s.mu.Unlock()
}

// Hanging is how many requests are being held by a Hang failure.
func (s *Server) Hanging() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hanging
}

// New starts a fake for token; it stops with the test.
func New(t testing.TB, token string) *Server {
	s := &Server{Token: token, failures: map[string][]Failure{}, files: map[string][]byte{}, nextID: 1000, quit: make(chan struct{}), release: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	// A hung request whose client died is not always noticed by net/http
	// (it only watches a connection once the body was read to EOF), so the
	// fake lets go of hung requests itself before it closes.
	t.Cleanup(func() { close(s.quit); s.Close() })
	return s
}

// AddFile makes a file available through getFile and its download link.
func (s *Server) AddFile(fileID string, data []byte) {
	s.mu.Lock()
	s.files[fileID] = data
	s.mu.Unlock()
}

// Fail scripts the next answers of method.
func (s *Server) Fail(method string, fs ...Failure) {
	s.mu.Lock()
	s.failures[method] = append(s.failures[method], fs...)
	s.mu.Unlock()
}

// FailChat scripts the next answers of method for one chat only.
func (s *Server) FailChat(method, chat string, fs ...Failure) {
	s.Fail(method+"/"+chat, fs...)
}

// Calls returns the calls of method ("" for all) so far.
func (s *Server) Calls(method string) []Call {
	return s.calls.Where(func(c Call) bool { return method == "" || c.Method == method })
}

// Sent returns the texts sent to chat with sendMessage.
func (s *Server) Sent(chat string) []Call {
	var out []Call
	for _, c := range s.Calls("sendMessage") {
		if c.Params["chat_id"] == chat {
			out = append(out, c)
		}
	}
	return out
}

// WaitSent waits until chat has received at least n messages.
func (s *Server) WaitSent(t testing.TB, chat string, n int) []Call {
	t.Helper()
	return fakeapi.Wait(t, "messages in chat "+chat, n, func() []Call { return s.Sent(chat) })
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/file/bot"+s.Token+"/") {
		id := strings.TrimPrefix(r.URL.Path, "/file/bot"+s.Token+"/files/")
		s.mu.Lock()
		data, ok := s.files[id]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+s.Token+"/")
	if !ok {
		reply(w, 401, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	params := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			reply(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: " + err.Error()})
			return
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
	} else if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		io.Copy(io.Discard, r.Body) // read to EOF so net/http sees a client that goes away
		for k, v := range m {
			if s, ok := v.(string); ok {
				params[k] = s
			} else {
				b, _ := json.Marshal(v)
				params[k] = string(b)
			}
		}
	} else {
		r.ParseForm()
		for k, v := range r.Form {
			params[k] = v[0]
		}
	}
	s.mu.Lock()
	var fail *Failure
	if fs := s.failures[method+"/"+params["chat_id"]]; len(fs) > 0 {
		fail, s.failures[method+"/"+params["chat_id"]] = &fs[0], fs[1:]
	} else if fs := s.failures[method]; len(fs) > 0 {
		fail, s.failures[method] = &fs[0], fs[1:]
	}
	if left, ok := s.hangAfter[method]; ok && fail == nil {
		if left > 0 {
			s.hangAfter[method] = left - 1
		} else {
			fail = &Failure{Hang: true}
		}
	}
	release := s.release
	s.nextID++
	id := s.nextID
	if fail == nil || !fail.Hang { // a held call did not happen
		s.calls.Add(Call{Method: method, Params: params, At: time.Now(), MessageID: id})
	}
	s.mu.Unlock()
	if fail != nil && fail.Hang {
		s.mu.Lock()
		s.hanging++
		s.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-s.quit:
		case <-release:
		}
		s.mu.Lock()
		s.hanging--
		s.mu.Unlock()
		return
	}
	if fail != nil && fail.Slow > 0 && fail.Status == 0 {
		time.Sleep(fail.Slow)
		fail = nil
	}
	if fail != nil {
		body := map[string]any{"ok": false, "error_code": fail.Status, "description": fail.Desc}
		if fail.Status == 429 {
			body["parameters"] = map[string]any{"retry_after": fail.RetryAfter}
			if fail.Desc == "" {
				body["description"] = fmt.Sprintf("Too Many Requests: retry after %d", fail.RetryAfter)
			}
		}
		reply(w, fail.Status, body)
		return
	}
	chat, _ := strconv.ParseInt(params["chat_id"], 10, 64)
	switch method {
	case "sendMessage", "editMessageText":
		mid := id
		if method == "editMessageText" {
			mid, _ = strconv.Atoi(params["message_id"])
		}
		reply(w, 200, map[string]any{"ok": true, "result": map[string]any{
			"message_id": mid, "date": time.Now().Unix(), "text": params["text"],
			"chat": map[string]any{"id": chat, "type": "private"}}})
	case "getFile":
		s.mu.Lock()
		data, ok := s.files[params["file_id"]]
		s.mu.Unlock()
		if !ok {
			reply(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: invalid file_id"})
			return
		}
		reply(w, 200, map[string]any{"ok": true, "result": map[string]any{"file_id": params["file_id"],
			"file_unique_id": "u" + params["file_id"], "file_size": len(data), "file_path": "files/" + params["file_id"]}})
	default: // answerCallbackQuery, setWebhook, …
		reply(w, 200, map[string]any{"ok": true, "result": true})
	}
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
