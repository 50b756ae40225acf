package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakeTelegram is the Bot API heed talks to: it records, per chat, every
// message delivered (sendMessage), and can be told to fail — every nth call
// 429 with retry_after, every mth call 500 (not delivered), and one chat's
// calls held unanswered for a while (not delivered either).
type fakeTelegram struct {
	*httptest.Server
	token string

	mu      sync.Mutex
	calls   int
	nextID  int
	got     map[string][]time.Time // chat → when each sendMessage arrived
	button  map[string]string      // chat → first button of the last message ("" none)
	lastMsg map[string]int         // chat → id of the last message
	wake    map[string]chan struct{}
	faults  platformFaults
	held    int             // calls being held now
	faulted map[string]bool // chats that got a failure (held, 429, 500)
	// callbacks: callback query id → the chat of the button pressed
	callbacks map[string]string
	quit      chan struct{}
}

// platformFaults is what the fake does wrong.
type platformFaults struct {
	every429, every500 int // every nth call answers 429 (retry_after 1) / 500; 0 never
	hangChat           string
	hangUntil          time.Time     // calls to hangChat (every chat: "*") before then are held
	latency            time.Duration // every call takes this long (sends in flight when heed dies)
}

func newFakeTelegram(token string) *fakeTelegram {
	f := &fakeTelegram{token: token, nextID: 1000, got: map[string][]time.Time{}, button: map[string]string{},
		lastMsg: map[string]int{}, faulted: map[string]bool{}, callbacks: map[string]string{}, wake: map[string]chan struct{}{}, quit: make(chan struct{})}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *fakeTelegram) stop() {
	close(f.quit)
	f.Close()
}

func (f *fakeTelegram) setFaults(p platformFaults) {
	f.mu.Lock()
	f.faults = p
	f.mu.Unlock()
}

func (f *fakeTelegram) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+f.token+"/")
	if !ok {
		answer(w, 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	params := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if r.ParseMultipartForm(1<<20) == nil {
			for k, v := range r.MultipartForm.Value {
				params[k] = v[0]
			}
		}
	} else {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m) //nolint:errcheck
		io.Copy(io.Discard, r.Body)        //nolint:errcheck
		for k, v := range m {
			if s, ok := v.(string); ok {
				params[k] = s
			} else {
				b, _ := json.Marshal(v)
				params[k] = string(b)
			}
		}
	}
	chat := params["chat_id"]
	if id := params["callback_query_id"]; id != "" {
		f.mu.Lock()
		chat = f.callbacks[id]
		f.mu.Unlock()
	}
	f.mu.Lock()
	f.calls++
	n, p := f.calls, f.faults
	f.mu.Unlock()
	fault := func() {
		f.mu.Lock()
		f.faulted[chat] = true
		f.mu.Unlock()
	}
	if (p.hangChat == "*" || chat != "" && chat == p.hangChat) && time.Now().Before(p.hangUntil) {
		fault()
		f.hold(r, p.hangUntil)
		answer(w, 502, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`)
		return
	}
	if p.latency > 0 {
		time.Sleep(p.latency)
	}
	if p.every429 > 0 && n%p.every429 == 0 {
		fault()
		answer(w, 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
		return
	}
	if p.every500 > 0 && n%p.every500 == 0 {
		fault()
		answer(w, 500, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
		return
	}
	now := time.Now()
	f.mu.Lock()
	f.nextID++
	id := f.nextID
	if method == "sendMessage" {
		f.got[chat] = append(f.got[chat], now)
		f.lastMsg[chat] = id
		f.button[chat] = firstButton(params["reply_markup"])
		if c, ok := f.wake[chat]; ok {
			close(c)
			delete(f.wake, chat)
		}
	}
	f.mu.Unlock()
	switch method {
	case "sendMessage", "editMessageText":
		cid, _ := strconv.ParseInt(chat, 10, 64)
		answer(w, 200, fmt.Sprintf(`{"ok":true,"result":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"text":"ok"}}`,
			id, now.Unix(), cid))
	default:
		answer(w, 200, `{"ok":true,"result":true}`)
	}
}

// hold keeps a call unanswered until until, or the client goes away.
func (f *fakeTelegram) hold(r *http.Request, until time.Time) {
	f.mu.Lock()
	f.held++
	f.mu.Unlock()
	t := time.NewTimer(time.Until(until))
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-f.quit:
	case <-t.C:
	}
	f.mu.Lock()
	f.held--
	f.mu.Unlock()
}

func firstButton(markup string) string {
	var kb struct {
		Rows [][]struct {
			Data string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	json.Unmarshal([]byte(markup), &kb) //nolint:errcheck
	if len(kb.Rows) > 0 && len(kb.Rows[0]) > 0 {
		return kb.Rows[0][0].Data
	}
	return ""
}

func answer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body) //nolint:errcheck
}

// state is how many messages chat got, the first button of the last and
// that message's id.
func (f *fakeTelegram) state(chat string) (n int, button string, msgID int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got[chat]), f.button[chat], f.lastMsg[chat]
}

// pressed notes the chat of a button press heed will answer.
func (f *fakeTelegram) pressed(callback, chat string) {
	f.mu.Lock()
	f.callbacks[callback] = chat
	f.mu.Unlock()
}

// wasFaulted says whether any call for chat failed.
func (f *fakeTelegram) wasFaulted(chat string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.faulted[chat]
}

// received is how many messages chat got.
func (f *fakeTelegram) received(chat string) int {
	n, _, _ := f.state(chat)
	return n
}

// waitFor waits until chat has more than n messages, up to d, and returns
// when the (n+1)th arrived.
func (f *fakeTelegram) waitFor(chat string, n int, d time.Duration) (time.Time, bool) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		if len(f.got[chat]) > n {
			at := f.got[chat][n]
			f.mu.Unlock()
			return at, true
		}
		c, ok := f.wake[chat]
		if !ok {
			c = make(chan struct{})
			f.wake[chat] = c
		}
		f.mu.Unlock()
		select {
		case <-c:
		case <-deadline.C:
			return time.Time{}, false
		}
	}
}
