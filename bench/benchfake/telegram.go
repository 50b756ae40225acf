// Package benchfake is the platform side of heed's benchmarks: a fake
// Telegram Bot API that answers at once (or fails as told) and notes when
// each message arrived, and the owners' side of the webhook — their updates,
// signed posts and a load of first messages. bench/webhook, bench/e2e and
// bench/faults share it.
package benchfake

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

// Telegram is the Bot API heed talks to: it records, per chat, every
// message delivered (sendMessage), and can be told to fail — every nth call
// 429 with retry_after, every mth call 500 (not delivered), and one chat's
// calls held unanswered for a while (not delivered either).
type Telegram struct {
	*httptest.Server
	token string

	mu      sync.Mutex
	calls   int
	nextID  int
	got     map[string][]time.Time // chat → when each sendMessage arrived
	button  map[string]string      // chat → first button of the last message ("" none)
	lastMsg map[string]int         // chat → id of the last message
	wake    map[string]chan struct{}
	faults  Faults
	held    int             // calls being held now
	faulted map[string]bool // chats that got a failure (held, 429, 500)
	// callbacks: callback query id → the chat of the button pressed
	callbacks map[string]string
	quit      chan struct{}
}

// Faults are what the fake does wrong; the zero value, nothing.
type Faults struct {
	Every429, Every500 int // every nth call answers 429 (retry_after 1) / 500; 0 never
	HangChat           string
	HangUntil          time.Time     // calls to HangChat (every chat: "*") before then are held
	Latency            time.Duration // every call takes this long (sends in flight when heed dies)
}

// NewTelegram starts a fake Bot API for the bot token (heed's
// HEED_TELEGRAM_TOKEN; calls for another are 401). Stop ends it.
func NewTelegram(token string) *Telegram {
	f := &Telegram{token: token, nextID: 1000, got: map[string][]time.Time{}, button: map[string]string{},
		lastMsg: map[string]int{}, faulted: map[string]bool{}, callbacks: map[string]string{}, wake: map[string]chan struct{}{}, quit: make(chan struct{})}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Stop lets held calls go and closes the server.
func (f *Telegram) Stop() {
	close(f.quit)
	f.Close()
}

// SetFaults sets what the fake does wrong from now on.
func (f *Telegram) SetFaults(p Faults) {
	f.mu.Lock()
	f.faults = p
	f.mu.Unlock()
}

func (f *Telegram) serve(w http.ResponseWriter, r *http.Request) {
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
	if (p.HangChat == "*" || chat != "" && chat == p.HangChat) && time.Now().Before(p.HangUntil) {
		fault()
		f.hold(r, p.HangUntil)
		answer(w, 502, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`)
		return
	}
	if p.Latency > 0 {
		time.Sleep(p.Latency)
	}
	if p.Every429 > 0 && n%p.Every429 == 0 {
		fault()
		answer(w, 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
		return
	}
	if p.Every500 > 0 && n%p.Every500 == 0 {
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
func (f *Telegram) hold(r *http.Request, until time.Time) {
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

// State is how many messages chat got, the first button of the last and
// that message's id.
func (f *Telegram) State(chat string) (n int, button string, msgID int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got[chat]), f.button[chat], f.lastMsg[chat]
}

// Pressed notes the chat of a button press heed will answer.
func (f *Telegram) Pressed(callback, chat string) {
	f.mu.Lock()
	f.callbacks[callback] = chat
	f.mu.Unlock()
}

// WasFaulted says whether any call for chat failed.
func (f *Telegram) WasFaulted(chat string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.faulted[chat]
}

// Received is how many messages chat got.
func (f *Telegram) Received(chat string) int {
	n, _, _ := f.State(chat)
	return n
}

// WaitFor waits until chat has more than n messages, up to d, and returns
// when the (n+1)th arrived.
func (f *Telegram) WaitFor(chat string, n int, d time.Duration) (time.Time, bool) {
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
