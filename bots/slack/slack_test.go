package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	heedslack "github.com/heedhq/heed/bots/slack"
	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"

	"github.com/heedhq/heed/bots/internal/bottest"
	"github.com/heedhq/heed/bots/internal/fakeapi"
)

const (
	token  = "xoxb-1234-5678-heedtesttoken"
	secret = "8f742231b10e8888abcd99yyyzzz85a5"
)

// fakeDesk gives forms like the desk (notify/desk) and records every action.
type fakeDesk struct {
	mu   sync.Mutex
	acts []desk.StaffAction
	out  desk.Outcome
	err  error
	// formOut refuses forms.
	formOut desk.Outcome
	// templates are what the measures' form offers (templates_test.go).
	templates []desk.Template
}

func (d *fakeDesk) Form(_ context.Context, a desk.StaffAction) (*desk.Form, desk.Outcome, error) {
	if d.formOut.Refused {
		return nil, d.formOut, nil
	}
	switch a.Action {
	case "propose_measures":
		return &desk.Form{Title: "处理措施", Inputs: []desk.Input{{Name: "text", Label: "处理措施", Templates: d.templates}}}, desk.Outcome{}, nil
	case "transfer":
		return &desk.Form{Title: "转派部门", Inputs: []desk.Input{{Name: "department", Label: "转派部门",
			Options: []desk.Option{{Value: "engineering", Label: "工程部"}, {Value: "security", Label: "秩序维护部"}}}}}, desk.Outcome{}, nil
	case "verify":
		return &desk.Form{Title: "回访", Inputs: []desk.Input{{Name: "handler", Label: "无人可选"}}}, desk.Outcome{}, nil // nothing to choose from
	}
	return nil, desk.Outcome{}, nil
}

func (d *fakeDesk) Act(_ context.Context, a desk.StaffAction) (desk.Outcome, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.acts = append(d.acts, a)
	return d.out, d.err
}

func (d *fakeDesk) got() []desk.StaffAction {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]desk.StaffAction(nil), d.acts...)
}

type recordCall struct {
	Platform, User, InteractionID string
	Case                          cases.NewCase
}

type fakeRecorder struct {
	mu    sync.Mutex
	calls []recordCall
	out   desk.Outcome
	err   error
}

func (r *fakeRecorder) Record(_ context.Context, platform, user, interactionID string, n cases.NewCase) (desk.Outcome, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, recordCall{platform, user, interactionID, n})
	return r.out, r.err
}

func (r *fakeRecorder) got() []recordCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordCall(nil), r.calls...)
}

type env struct {
	t     *testing.T
	slack *slackfake.Server
	bot   *heedslack.Bot
	mux   *http.ServeMux
	eng   *bottest.Engine
	desk  *fakeDesk
	rec   *fakeRecorder
	logs  *fakeapi.LogBuffer
	// private are strings that must never reach the log.
	private []string
}

func testConfig() *config.Config {
	return &config.Config{
		Departments: []config.Department{{ID: "engineering", Name: "工程部"}, {ID: "security", Name: "秩序维护部"}},
		Categories:  []config.Category{{ID: "repair", Name: "工程维修"}, {ID: "noise", Name: "噪音扰民"}},
		Communities: []config.Community{{ID: "xinghewan", Name: "星河湾"}, {ID: "cuihuyuan", Name: "翠湖园"}},
	}
}

func setup(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, slack: slackfake.New(t, token), eng: &bottest.Engine{},
		desk: &fakeDesk{}, rec: &fakeRecorder{}, logs: &fakeapi.LogBuffer{}, mux: http.NewServeMux(),
		private: []string{token, secret}}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var err error
	e.bot, err = heedslack.New(token, secret, e.slack.APIURL(), e.eng, e.desk, e.rec, testConfig(), log)
	if err != nil {
		t.Fatal(err)
	}
	e.bot.Register(e.mux)
	t.Cleanup(func() {
		logs := e.logs.String()
		for _, p := range e.private {
			if strings.Contains(logs, p) {
				t.Errorf("the log holds %q:\n%s", p, logs)
			}
		}
	})
	return e
}

// post sends a body to one of the app's webhooks, signed now.
func (e *env) post(path string, body []byte) *httptest.ResponseRecorder {
	return e.postAt(path, body, time.Now())
}

func (e *env) postAt(path string, body []byte, ts time.Time) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, slackfake.NewRequest(secret, "http://heed.test"+path, body, ts))
	return w
}

func (e *env) send(m notify.Message) (string, error) {
	m.Channel = "slack"
	return e.bot.Send(context.Background(), m)
}

const (
	eventsPath       = "/webhooks/slack/events"
	interactionsPath = "/webhooks/slack/interactions"
	commandsPath     = "/webhooks/slack/commands"
)

func wantStatus(t *testing.T, w *httptest.ResponseRecorder, status int) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body.String())
	}
}

func TestSignatureChecked(t *testing.T) {
	e := setup(t)
	dm := slackfake.DMEvent("Ev01", "D01OWNER", "U01OWNER", "楼上漏水")
	press := slackfake.BlockActions{User: "U01ENG0MGR", Channel: "C01ENG", MessageTS: "1.000001",
		ActionID: "act:acknowledge:TS-2026-000001", Value: "act:acknowledge:TS-2026-000001"}.Body()
	cmd := slackfake.SlashCommand{Command: "/complaint", User: "U01FRONT01", TriggerID: "t1"}.Body()
	for _, path := range []string{eventsPath, interactionsPath, commandsPath} {
		body := map[string][]byte{eventsPath: dm, interactionsPath: press, commandsPath: cmd}[path]
		for name, req := range map[string]func() *http.Request{
			"forged": func() *http.Request {
				return slackfake.NewRequest("not-the-secret", "http://heed.test"+path, body, time.Now())
			},
			"stale": func() *http.Request {
				return slackfake.NewRequest(secret, "http://heed.test"+path, body, time.Now().Add(-6*time.Minute))
			},
			"from the future": func() *http.Request {
				return slackfake.NewRequest(secret, "http://heed.test"+path, body, time.Now().Add(6*time.Minute))
			},
			"body changed": func() *http.Request {
				r := slackfake.NewRequest(secret, "http://heed.test"+path, body, time.Now())
				r.Body = http.NoBody
				return r
			},
			"unsigned": func() *http.Request {
				r := slackfake.NewRequest(secret, "http://heed.test"+path, body, time.Now())
				r.Header.Del("X-Slack-Signature")
				return r
			},
		} {
			w := httptest.NewRecorder()
			e.mux.ServeHTTP(w, req())
			if w.Code != http.StatusUnauthorized {
				t.Errorf("%s %s: status %d, want 401", path, name, w.Code)
			}
		}
	}
	if len(e.eng.Inbounds()) != 0 || len(e.desk.got()) != 0 || len(e.rec.got()) != 0 || len(e.slack.Calls("")) != 0 {
		t.Fatalf("a rejected request reached heed: engine %v, desk %v, recorder %v, Slack %v",
			e.eng.Inbounds(), e.desk.got(), e.rec.got(), e.slack.Calls(""))
	}
	// Four minutes old is still within Slack's window.
	wantStatus(t, e.postAt(eventsPath, dm, time.Now().Add(-4*time.Minute)), http.StatusOK)
	if len(e.eng.Inbounds()) != 1 {
		t.Fatalf("a well-signed event was not handled")
	}
}

func TestURLVerification(t *testing.T) {
	e := setup(t)
	w := e.post(eventsPath, slackfake.URLVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))
	wantStatus(t, w, http.StatusOK)
	var got map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("answer %q, want the challenge back", w.Body.String())
	}
}

func TestDirectMessage(t *testing.T) {
	e := setup(t)
	e.private = append(e.private, "13812345678", "漏水")
	body := slackfake.DMEvent("Ev0PV1VFF9", "D01OWNER", "U01OWNER", "楼上漏水很严重 13812345678")
	wantStatus(t, e.post(eventsPath, body), http.StatusOK)
	// Slack retries an event it thinks timed out: same event_id.
	w := httptest.NewRecorder()
	r := slackfake.NewRequest(secret, "http://heed.test"+eventsPath, body, time.Now())
	r.Header.Set("X-Slack-Retry-Num", "1")
	r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	e.mux.ServeHTTP(w, r)
	wantStatus(t, w, http.StatusOK)

	got := e.eng.Inbounds()
	if len(got) != 2 {
		t.Fatalf("engine got %d messages, want 2 (the event and its retry)", len(got))
	}
	want := conversation.Inbound{Channel: cases.ChannelSlack, ChatID: "D01OWNER", UserID: "U01OWNER",
		MessageID: "Ev0PV1VFF9", Kind: conversation.KindText, Text: "楼上漏水很严重 13812345678"}
	for i, in := range got {
		if in.At.IsZero() {
			t.Errorf("message %d has no time", i)
		}
		in.At = time.Time{}
		if !reflect.DeepEqual(in, want) {
			t.Errorf("message %d = %+v, want %+v", i, in, want)
		}
	}
}

func TestEventsIgnored(t *testing.T) {
	e := setup(t)
	for name, body := range map[string][]byte{
		"heed's own message":  slackfake.MessageEvent{EventID: "Ev1", Channel: "D01", ChannelType: "im", User: "U0HEEDBOT", BotID: "B0HEED", Text: "您好"}.Body(),
		"an edit":             slackfake.MessageEvent{EventID: "Ev2", Channel: "D01", ChannelType: "im", User: "U01", Subtype: "message_changed"}.Body(),
		"a channel message":   slackfake.MessageEvent{EventID: "Ev3", Channel: "C01", ChannelType: "channel", User: "U01", Text: "hi"}.Body(),
		"a group DM":          slackfake.MessageEvent{EventID: "Ev4", Channel: "G01", ChannelType: "mpim", User: "U01", Text: "hi"}.Body(),
		"another event type":  []byte(`{"type":"event_callback","event_id":"Ev5","event":{"type":"reaction_added","user":"U01","reaction":"thumbsup"}}`),
		"an app home opened":  []byte(`{"type":"event_callback","event_id":"Ev6","event":{"type":"app_home_opened","user":"U01","channel":"D01"}}`),
		"app rate limited":    []byte(`{"token":"x","type":"app_rate_limited","team_id":"T0HEED","minute_rate_limited":1518467820,"api_app_id":"A0HEED"}`),
		"unknown outer event": []byte(`{"type":"something_new"}`),
	} {
		wantStatus(t, e.post(eventsPath, body), http.StatusOK)
		if got := e.eng.Inbounds(); len(got) != 0 {
			t.Fatalf("%s reached the engine: %+v", name, got)
		}
	}
}

func TestEngineFailureAsksForRetry(t *testing.T) {
	e := setup(t)
	e.eng.Fail(errors.New("database is down"))
	w := e.post(eventsPath, slackfake.DMEvent("Ev7", "D01", "U01", "漏水"))
	wantStatus(t, w, http.StatusInternalServerError)
}

func TestMalformedRequests(t *testing.T) {
	e := setup(t)
	for name, tc := range map[string]struct {
		path   string
		body   []byte
		status int
	}{
		"oversized event":        {eventsPath, bytes.Repeat([]byte("x"), 1<<20+1), http.StatusRequestEntityTooLarge},
		"oversized interaction":  {interactionsPath, append([]byte("payload="), bytes.Repeat([]byte("x"), 1<<20)...), http.StatusRequestEntityTooLarge},
		"oversized command":      {commandsPath, bytes.Repeat([]byte("x"), 2<<20), http.StatusRequestEntityTooLarge},
		"event not JSON":         {eventsPath, []byte(`{"type": "event_callback", `), http.StatusBadRequest},
		"event without type":     {eventsPath, []byte(`{"event_id":"Ev1"}`), http.StatusBadRequest},
		"callback without id":    {eventsPath, []byte(`{"type":"event_callback","event":{"type":"message"}}`), http.StatusBadRequest},
		"event not an object":    {eventsPath, []byte(`{"type":"event_callback","event_id":"Ev1","event":"message"}`), http.StatusBadRequest},
		"interaction no payload": {interactionsPath, []byte("foo=bar"), http.StatusBadRequest},
		"interaction not JSON":   {interactionsPath, []byte("payload=%7Bnot+json"), http.StatusBadRequest},
		// A button heed cannot read is a stale one: a 200 (Slack shows any
		// other answer as a warning) and a note to the presser.
		"card button malformed": {interactionsPath, slackfake.BlockActions{User: "U01", Channel: "C01", MessageTS: "1.1",
			ActionID: "act:acknowledge", Value: "act:acknowledge"}.Body(), http.StatusOK},
		"submission no metadata": {interactionsPath, slackfake.ViewSubmission{User: "U01", ViewID: "V1", Hash: "h",
			CallbackID: "act", PrivateMetadata: "acknowledge"}.Body(), http.StatusBadRequest},
		"command without command": {commandsPath, []byte("user_id=U01&trigger_id=t"), http.StatusBadRequest},
		"command without trigger": {commandsPath, slackfake.SlashCommand{Command: "/complaint", User: "U01"}.Body(), http.StatusBadRequest},
	} {
		w := e.post(tc.path, tc.body)
		if w.Code != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", name, w.Code, tc.status, w.Body.String())
		}
		if tc.status == http.StatusBadRequest && strings.TrimSpace(w.Body.String()) == "" {
			t.Errorf("%s: 400 without a reason", name)
		}
	}
	if len(e.eng.Inbounds())+len(e.desk.got())+len(e.rec.got()) != 0 {
		t.Fatal("a malformed request reached heed")
	}
}

func TestOwnerChoice(t *testing.T) {
	e := setup(t)
	ts, err := e.send(notify.Message{ChatID: "D01OWNER", Kind: notify.KindMessage, Payload: notify.Payload{
		Text: "您反映的是：工程维修（楼上漏水）。对吗？",
		Choices: []notify.Choice{{Label: "对", Data: "confirm:yes"}, {Label: "不对，重新选择", Data: "confirm:no"},
			{Label: "对", Data: "confirm:yes"}}, // the same data twice still makes valid blocks
	}})
	if err != nil {
		t.Fatal(err)
	}
	posted := e.slack.Posted("D01OWNER")
	if len(posted) != 1 || posted[0].Result["ts"] != ts || ts == "" {
		t.Fatalf("postMessage calls %+v, ts %q", posted, ts)
	}
	var blocks []map[string]any
	posted[0].Decode("blocks", &blocks)
	if len(blocks) != 2 || blocks[0]["type"] != "section" || blocks[1]["type"] != "actions" {
		t.Fatalf("blocks %v, want a section and the choices", blocks)
	}

	press, err := slackfake.Press(posted[0], "U01OWNER", "不对，重新选择")
	if err != nil {
		t.Fatal(err)
	}
	press.ActionTS = "1700000123.456789"
	press.ResponseURL = e.slack.ResponseURL("owner")
	if !strings.HasPrefix(press.ActionID, "owner:") || press.Value != "confirm:no" {
		t.Fatalf("button %+v: want action owner:… with value confirm:no", press)
	}
	wantStatus(t, e.post(interactionsPath, press.Body()), http.StatusOK)
	wantStatus(t, e.post(interactionsPath, press.Body()), http.StatusOK) // pressed twice, or delivered twice

	got := e.eng.Inbounds()
	if len(got) != 2 {
		t.Fatalf("engine got %d presses, want 2", len(got))
	}
	in := got[0]
	if in.Channel != cases.ChannelSlack || in.ChatID != "D01OWNER" || in.UserID != "U01OWNER" ||
		in.Kind != conversation.KindButton || in.Button != "confirm:no" || in.MessageID != "slack-action:"+ts+":1700000123.456789" {
		t.Fatalf("inbound %+v", in)
	}
	if got[1].MessageID != in.MessageID {
		t.Fatalf("the same press has two ids: %q and %q", in.MessageID, got[1].MessageID)
	}
	// The engine queues the edit that shows the choice in place of the buttons.
	if len(in.Also) != 1 || in.Also[0].Kind != notify.KindEditChoice || in.Also[0].Payload.MessageID != ts {
		t.Fatalf("also %+v, want one edit of %s", in.Also, ts)
	}
	if _, err := e.send(in.Also[0]); err != nil {
		t.Fatal(err)
	}
	upd := e.slack.Calls("chat.update")
	if len(upd) != 1 || upd[0].Params["ts"] != ts || upd[0].Params["channel"] != "D01OWNER" {
		t.Fatalf("chat.update calls %+v", upd)
	}
	if !strings.Contains(upd[0].Params["blocks"], "您反映的是：工程维修（楼上漏水）。对吗？\\n\\n→ 不对，重新选择") ||
		strings.Contains(upd[0].Params["blocks"], `"actions"`) {
		t.Fatalf("edited blocks %s: want the question, the choice, no buttons", upd[0].Params["blocks"])
	}
}

func testCard() *notify.Card {
	return &notify.Card{
		Kind: "dispatch", Serial: "TS-2026-000123", Title: "【派单】TS-2026-000123 工程维修（紧急）",
		Fields: []notify.Field{{Label: "小区", Value: "星河湾"}, {Label: "房号", Value: "3栋2单元1102"},
			{Label: "业主", Value: "王女士 138****5678"}, {Label: "时限", Value: "11-26 10:32 前受理"}},
		Body:    "楼上漏水很严重，天花板在滴水 <!channel> & <@U01>",
		Status:  "待受理",
		History: []string{"11-25 10:30 业主通过 Slack 投诉", "11-25 10:32 投诉专员 周敏 派单至 工程部"},
		Buttons: []notify.Button{{Label: "受理", Data: "act:acknowledge:TS-2026-000123", Style: "primary"},
			{Label: "转派", Data: "act:transfer:TS-2026-000123"},
			{Label: "提交处理措施", Data: "act:propose_measures:TS-2026-000123"},
			{Label: "回访", Data: "act:verify:TS-2026-000123", Style: "danger"}},
	}
}

// postCard posts the test card in the engineering channel and returns the call.
func (e *env) postCard() slackfake.Call {
	e.t.Helper()
	if _, err := e.send(notify.Message{ChatID: "C01ENG", Kind: notify.KindCard, CaseSerial: "TS-2026-000123",
		Payload: notify.Payload{Card: testCard()}}); err != nil {
		e.t.Fatal(err)
	}
	posted := e.slack.Posted("C01ENG")
	return posted[len(posted)-1]
}

func (e *env) press(card slackfake.Call, user, button string) slackfake.BlockActions {
	e.t.Helper()
	p, err := slackfake.Press(card, user, button)
	if err != nil {
		e.t.Fatal(err)
	}
	p.ResponseURL = e.slack.ResponseURL(user + "-" + button)
	return p
}

func TestSendCard(t *testing.T) {
	e := setup(t)
	ts, err := e.send(notify.Message{ChatID: "C01ENG", Kind: notify.KindCard, Payload: notify.Payload{Card: testCard()}})
	if err != nil {
		t.Fatal(err)
	}
	posted := e.slack.Posted("C01ENG")
	if len(posted) != 1 || ts == "" || posted[0].Result["ts"] != ts || posted[0].Token != token {
		t.Fatalf("posted %+v, ts %q", posted, ts)
	}
	var blocks []struct {
		Type    string `json:"type"`
		BlockID string `json:"block_id"`
		Text    *struct {
			Type, Text string
		} `json:"text"`
		Fields []struct {
			Type, Text string
		} `json:"fields"`
		Elements []struct {
			Type     string `json:"type"`
			Text     any    `json:"text"`
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
			Style    string `json:"style"`
		} `json:"elements"`
	}
	if err := posted[0].Decode("blocks", &blocks); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, b := range blocks {
		types = append(types, b.Type)
	}
	if strings.Join(types, " ") != "header section section context actions" {
		t.Fatalf("block types %v", types)
	}
	if blocks[0].Text.Text != "【派单】TS-2026-000123 工程维修（紧急）" {
		t.Errorf("header %q", blocks[0].Text.Text)
	}
	if len(blocks[1].Fields) != 4 || blocks[1].Fields[0].Text != "*小区*\n星河湾" || blocks[1].Fields[0].Type != "mrkdwn" {
		t.Errorf("fields %+v", blocks[1].Fields)
	}
	if blocks[2].Text.Type != "plain_text" || blocks[2].Text.Text != testCard().Body {
		t.Errorf("body %+v: the owner's words as plain text, pinging no one", blocks[2].Text)
	}
	ctxJSON, _ := json.Marshal(blocks[3].Elements)
	if !strings.Contains(string(ctxJSON), "待受理") || !strings.Contains(string(ctxJSON), "派单至 工程部") {
		t.Errorf("context %s: want status and history", ctxJSON)
	}
	btns := blocks[4].Elements
	if len(btns) != 4 || btns[0].ActionID != "act:acknowledge:TS-2026-000123" || btns[0].Value != btns[0].ActionID ||
		btns[0].Style != "primary" || btns[1].Style != "" || btns[3].Style != "danger" {
		t.Errorf("buttons %+v", btns)
	}
	text := posted[0].Params["text"]
	if !strings.Contains(text, "TS-2026-000123") || !strings.Contains(text, "星河湾") || strings.Contains(text, "<!channel>") {
		t.Errorf("fallback text %q: want the card in plain words, escaped", text)
	}

	// The case moves on: the worker sends the new card with the ts it stored.
	card := testCard()
	card.Status, card.Buttons = "已受理 · 李建华 11-25 10:40", nil
	got, err := e.send(notify.Message{ChatID: "C01ENG", Kind: notify.KindCard, Payload: notify.Payload{Card: card, MessageID: ts}})
	if err != nil || got != ts {
		t.Fatalf("edit = %q, %v; want %q", got, err, ts)
	}
	upd := e.slack.Calls("chat.update")
	if len(upd) != 1 || upd[0].Params["ts"] != ts || upd[0].Params["channel"] != "C01ENG" {
		t.Fatalf("chat.update calls %+v", upd)
	}
	if b := upd[0].Params["blocks"]; !strings.Contains(b, "已受理 · 李建华") || strings.Contains(b, `"actions"`) {
		t.Errorf("edited card %s: want the new status and no buttons", b)
	}
	if n := len(e.slack.Posted("C01ENG")); n != 1 {
		t.Errorf("%d posts: an edit must not post again", n)
	}
}

func TestSendPrivate(t *testing.T) {
	e := setup(t)
	ts, err := e.send(notify.Message{ChatID: "C01ENG", Kind: notify.KindPrivate,
		Payload: notify.Payload{UserID: "U01ENG0HDL", Text: "此投诉已由 李建华 于 10:32 受理"}})
	if err != nil || ts == "" {
		t.Fatalf("send = %q, %v", ts, err)
	}
	c := e.slack.Calls("chat.postEphemeral")
	if len(c) != 1 || c[0].Params["channel"] != "C01ENG" || c[0].Params["user"] != "U01ENG0HDL" ||
		c[0].Params["text"] != "此投诉已由 李建华 于 10:32 受理" {
		t.Fatalf("ephemeral calls %+v", c)
	}
	if _, err := e.send(notify.Message{ChatID: "C01ENG", Kind: notify.KindPrivate, Payload: notify.Payload{Text: "x"}}); !isPermanent(err) {
		t.Errorf("private without a user: %v, want permanent", err)
	}
	// Slack has no spinner to stop.
	if _, err := e.send(notify.Message{ChatID: "D01", Kind: notify.KindAnswerCallback}); err != nil {
		t.Errorf("answer_callback: %v", err)
	}
}

func isPermanent(err error) bool {
	var p *notify.PermanentError
	return errors.As(err, &p)
}

func TestSendErrors(t *testing.T) {
	e := setup(t)
	msg := notify.Message{ChatID: "D01OWNER", Kind: notify.KindMessage, Payload: notify.Payload{Text: "您好"}}

	e.slack.Fail("chat.postMessage", slackfake.Failure{Status: 429, RetryAfter: 7})
	_, err := e.send(msg)
	var ra *notify.RetryAfterError
	if !errors.As(err, &ra) || ra.Wait != 7*time.Second {
		t.Errorf("429: %v, want RetryAfterError of 7s", err)
	}

	for _, code := range []string{"channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "account_inactive"} {
		e.slack.Fail("chat.postMessage", slackfake.Failure{Error: code})
		if _, err := e.send(msg); !isPermanent(err) || !strings.Contains(err.Error(), code) {
			t.Errorf("%s: %v, want PermanentError", code, err)
		}
	}
	card := notify.Message{ChatID: "C01ENG", Kind: notify.KindCard, Payload: notify.Payload{Card: testCard(), MessageID: "1.999999"}}
	if _, err := e.send(card); !isPermanent(err) || !strings.Contains(err.Error(), "message_not_found") {
		t.Errorf("editing a card Slack does not have: %v, want PermanentError", err)
	}

	for name, f := range map[string]slackfake.Failure{
		"server error": {Status: 503}, "internal_error": {Error: "internal_error"}, "fatal_error": {Error: "fatal_error"},
	} {
		e.slack.Fail("chat.postMessage", f)
		_, err := e.send(msg)
		if err == nil || isPermanent(err) || errors.As(err, &ra) {
			t.Errorf("%s: %v, want a plain retryable error", name, err)
		}
	}
	if _, err := e.send(msg); err != nil {
		t.Errorf("after the failures: %v", err)
	}

	wrong, err := heedslack.New("xoxb-wrong", secret, e.slack.APIURL(), e.eng, e.desk, e.rec, testConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.Send(context.Background(), msg); !isPermanent(err) {
		t.Errorf("wrong token: %v, want PermanentError", err)
	}
}

func TestLongContentFitsBlockKit(t *testing.T) {
	e := setup(t)
	long := strings.Repeat("楼上漏水，天花板在滴水。\n", 700) // ~8400 characters
	var choices []notify.Choice
	for i := range 30 {
		choices = append(choices, notify.Choice{Label: strings.Repeat("很长的选项", 20), Data: "pick:" + string(rune('a'+i%26)) + string(rune('0'+i/26))})
	}
	if _, err := e.send(notify.Message{ChatID: "D01", Payload: notify.Payload{Text: long, Choices: choices}}); err != nil {
		t.Fatalf("long owner message: %v", err) // the fake answers invalid_blocks past Slack's limits
	}
	card := testCard()
	card.Title = strings.Repeat("标题", 100)
	card.Body = strings.Repeat("很长的投诉内容", 6000)
	for i := range 14 {
		card.Fields = append(card.Fields, notify.Field{Label: "字段", Value: strings.Repeat("值", 3000+i)})
	}
	for range 40 {
		card.History = append(card.History, strings.Repeat("历史", 200))
	}
	card.Buttons = append(card.Buttons, card.Buttons[0]) // a duplicate action id
	for i := range 30 {
		card.Buttons = append(card.Buttons, notify.Button{Label: strings.Repeat("按钮", 50), Data: "act:note:TS-" + string(rune('a'+i%26)) + string(rune('0'+i/26))})
	}
	if _, err := e.send(notify.Message{ChatID: "C01", Kind: notify.KindCard, Payload: notify.Payload{Card: card}}); err != nil {
		t.Fatalf("huge card: %v", err)
	}
	// An empty text still makes a valid message.
	if _, err := e.send(notify.Message{ChatID: "D01", Payload: notify.Payload{Choices: choices[:2]}}); err != nil {
		t.Fatalf("choices without text: %v", err)
	}
}

func TestCardButton(t *testing.T) {
	e := setup(t)
	card := e.postCard()
	e.desk.out = desk.Outcome{Message: "已受理"}
	p := e.press(card, "U01ENG0MGR", "受理")
	p.ActionTS = "1700000200.000100"
	wantStatus(t, e.post(interactionsPath, p.Body()), http.StatusOK)

	want := desk.StaffAction{Platform: "slack", PlatformUser: "U01ENG0MGR", ChatID: "C01ENG",
		InteractionID: "slack-action:" + card.Result["ts"] + ":1700000200.000100",
		Action:        "acknowledge", Serial: "TS-2026-000123"}
	if got := e.desk.got(); len(got) != 1 || got[0] != want {
		t.Fatalf("desk got %+v, want %+v", got, want)
	}
	r := e.slack.WaitResponses(t, 1)[0]
	if r.Text() != "已受理" || r.Body["response_type"] != "ephemeral" || r.Body["replace_original"] != false {
		t.Fatalf("response %+v: want an ephemeral 已受理 that leaves the card alone", r.Body)
	}
	if n := len(e.slack.Calls("views.open")); n != 0 {
		t.Fatalf("views.open called %d times for an action without input", n)
	}
}

func TestRefusedCardButton(t *testing.T) {
	e := setup(t)
	card := e.postCard()
	e.desk.out = desk.Outcome{Refused: true, Message: "您不是工程部的人员，不能操作此投诉"}
	wantStatus(t, e.post(interactionsPath, e.press(card, "U01SEC0HDL", "受理").Body()), http.StatusOK)
	r := e.slack.WaitResponses(t, 1)[0]
	if r.Text() != "您不是工程部的人员，不能操作此投诉" || r.Body["response_type"] != "ephemeral" || r.Body["replace_original"] != false {
		t.Fatalf("response %+v", r.Body)
	}
	if r.Path != "/response/U01SEC0HDL-受理" {
		t.Errorf("answered at %s, want the presser's response_url", r.Path)
	}

	// A refusal without words still tells the presser nothing happened.
	e.desk.out = desk.Outcome{Refused: true}
	e.post(interactionsPath, e.press(card, "U01SEC0HDL", "受理").Body())
	if r := e.slack.WaitResponses(t, 2)[1]; !strings.Contains(r.Text(), "未执行") {
		t.Errorf("wordless refusal answered %q", r.Text())
	}

	// The desk failing: the press is acknowledged, the presser asked to retry.
	e.desk.out, e.desk.err = desk.Outcome{}, errors.New("database is down")
	wantStatus(t, e.post(interactionsPath, e.press(card, "U01ENG0MGR", "受理").Body()), http.StatusOK)
	if r := e.slack.WaitResponses(t, 3)[2]; !strings.Contains(r.Text(), "再试") {
		t.Errorf("failure answered %q", r.Text())
	}
}

func TestCardButtonNeedingText(t *testing.T) {
	e := setup(t)
	e.private = append(e.private, "更换楼上防水层")
	card := e.postCard()
	p := e.press(card, "U01ENG0HDL", "提交处理措施")
	p.TriggerID = "13345224609.738474920.8088930838d88f008e0"
	wantStatus(t, e.post(interactionsPath, p.Body()), http.StatusOK)
	if len(e.desk.got()) != 0 {
		t.Fatal("the desk acted before the text was given")
	}
	opened := e.slack.Calls("views.open")
	if len(opened) != 1 || opened[0].Params["trigger_id"] != p.TriggerID || opened[0].Token != token {
		t.Fatalf("views.open calls %+v, want one with the press's trigger_id", opened)
	}
	var view struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		Title           struct{ Text string }
		Blocks          []struct {
			Type    string
			BlockID string `json:"block_id"`
			Label   struct{ Text string }
			Element struct {
				Type      string
				Multiline bool
			}
		}
	}
	opened[0].Decode("view", &view)
	if view.CallbackID != "act" || view.PrivateMetadata != "propose_measures:TS-2026-000123:C01ENG" || view.Title.Text != "处理措施" {
		t.Fatalf("view %+v", view)
	}
	in := view.Blocks[len(view.Blocks)-1]
	if in.Type != "input" || in.BlockID != "text" || in.Label.Text != "处理措施" || in.Element.Type != "plain_text_input" || !in.Element.Multiline {
		t.Fatalf("input %+v, want a multiline text labelled 处理措施", in)
	}

	sub, err := slackfake.Submit(opened[0], "U01ENG0HDL", map[string]slackfake.Value{"text": slackfake.Text("  更换楼上防水层，今日下午上门  ")})
	if err != nil {
		t.Fatal(err)
	}
	w := e.post(interactionsPath, sub.Body())
	wantStatus(t, w, http.StatusOK)
	if w.Body.Len() != 0 {
		t.Errorf("answer %q, want an empty 200 that closes the modal", w.Body.String())
	}
	want := desk.StaffAction{Platform: "slack", PlatformUser: "U01ENG0HDL", ChatID: "C01ENG",
		InteractionID: "slack-view:" + opened[0].Result["view_id"] + ":" + opened[0].Result["view_hash"],
		Action:        "propose_measures", Serial: "TS-2026-000123", Text: "更换楼上防水层，今日下午上门"}
	if got := e.desk.got(); len(got) != 1 || got[0] != want {
		t.Fatalf("desk got %+v, want %+v", got, want)
	}

	// Refused: the modal stays open with the reason under the input.
	e.desk.out = desk.Outcome{Refused: true, Message: "此投诉已由 张伟 提交处理措施"}
	w = e.post(interactionsPath, sub.Body())
	var ans struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || ans.ResponseAction != "errors" || ans.Errors["text"] != "此投诉已由 张伟 提交处理措施" {
		t.Fatalf("refused submission answered %d %q", w.Code, w.Body.String())
	}

	// An empty text is not sent to the desk.
	blank, _ := slackfake.Submit(opened[0], "U01ENG0HDL", map[string]slackfake.Value{"text": slackfake.Text("   ")})
	w = e.post(interactionsPath, blank.Body())
	if !strings.Contains(w.Body.String(), `"errors"`) || len(e.desk.got()) != 2 {
		t.Fatalf("blank submission answered %q; desk called %d times", w.Body.String(), len(e.desk.got()))
	}
}

func TestRefusedBeforeTheForm(t *testing.T) {
	e := setup(t)
	card := e.postCard()
	e.desk.formOut = desk.Outcome{Refused: true, Message: "赵军（秩序部经理）不能提交处理措施这件投诉"}
	wantStatus(t, e.post(interactionsPath, e.press(card, "U01SEC0HDL", "提交处理措施").Body()), http.StatusOK)
	if r := e.slack.WaitResponses(t, 1)[0]; r.Text() != e.desk.formOut.Message || r.Body["response_type"] != "ephemeral" {
		t.Fatalf("response %+v", r.Body)
	}
	if n := len(e.slack.Calls("views.open")); n != 0 || len(e.desk.got()) != 0 {
		t.Fatalf("a refused presser got %d forms and %d actions", n, len(e.desk.got()))
	}
}

func TestTransferAsksForDepartment(t *testing.T) {
	e := setup(t)
	card := e.postCard()
	p := e.press(card, "U01CS0SPEC", "转派")
	wantStatus(t, e.post(interactionsPath, p.Body()), http.StatusOK)
	opened := e.slack.Calls("views.open")
	if len(opened) != 1 {
		t.Fatalf("views.open called %d times", len(opened))
	}
	v := opened[0].Params["view"]
	for _, want := range []string{`"static_select"`, `"engineering"`, "工程部", `"security"`, "秩序维护部", "转派部门", `"transfer:TS-2026-000123:C01ENG"`} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %s: %s", want, v)
		}
	}
	sub, err := slackfake.Submit(opened[0], "U01CS0SPEC", map[string]slackfake.Value{"department": slackfake.Option("security")})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, e.post(interactionsPath, sub.Body()), http.StatusOK)
	got := e.desk.got()
	if len(got) != 1 || got[0].Action != "transfer" || got[0].Department != "security" || got[0].Text != "" ||
		got[0].Serial != "TS-2026-000123" || got[0].ChatID != "C01ENG" || got[0].PlatformUser != "U01CS0SPEC" {
		t.Fatalf("desk got %+v", got)
	}
	// Nothing chosen: the modal says so.
	none, _ := slackfake.Submit(opened[0], "U01CS0SPEC", map[string]slackfake.Value{"department": slackfake.Option("")})
	if w := e.post(interactionsPath, none.Body()); !strings.Contains(w.Body.String(), `"department"`) {
		t.Errorf("empty department answered %q", w.Body.String())
	}
}

func TestFormCannotOpen(t *testing.T) {
	e := setup(t)
	card := e.postCard()
	e.slack.Fail("views.open", slackfake.Failure{Error: "expired_trigger_id"})
	wantStatus(t, e.post(interactionsPath, e.press(card, "U01ENG0HDL", "提交处理措施").Body()), http.StatusOK)
	if r := e.slack.WaitResponses(t, 1)[0]; !strings.Contains(r.Text(), "表单未能打开") {
		t.Errorf("answered %q", r.Text())
	}
	// An action whose input Slack cannot ask for is not applied half-way.
	wantStatus(t, e.post(interactionsPath, e.press(card, "U01CS0SPEC", "回访").Body()), http.StatusOK)
	if r := e.slack.WaitResponses(t, 2)[1]; !strings.Contains(r.Text(), "不能在 Slack") || len(e.desk.got()) != 0 {
		t.Errorf("answered %q; desk %v", r.Text(), e.desk.got())
	}
}

func TestComplaintCommand(t *testing.T) {
	e := setup(t)
	e.private = append(e.private, "13812345678", "王女士", "天花板")
	w := e.post(commandsPath, slackfake.SlashCommand{Command: "/complaint", User: "U01FRONT01", Channel: "C01DESK",
		TriggerID: "trig-complaint", ResponseURL: e.slack.ResponseURL("cmd")}.Body())
	wantStatus(t, w, http.StatusOK)
	opened := e.slack.Calls("views.open")
	if len(opened) != 1 || opened[0].Params["trigger_id"] != "trig-complaint" {
		t.Fatalf("views.open calls %+v", opened)
	}
	v := opened[0].Params["view"]
	for _, want := range []string{`"callback_id":"record"`, "星河湾", "翠湖园", "工程维修", "噪音扰民",
		`"phone"`, `"walk_in"`, "来访", `"letter"`, "来信", `"email"`, "邮件", `"multiline":true`} {
		if !strings.Contains(v, want) {
			t.Errorf("form lacks %s: %s", want, v)
		}
	}

	e.rec.out = desk.Outcome{Message: "已登记 TS-2026-000001，工程部将于 11-26 10:32 前受理"}
	sub, err := slackfake.Submit(opened[0], "U01FRONT01", map[string]slackfake.Value{
		"name": slackfake.Text("王女士"), "phone": slackfake.Text("138 1234 5678"),
		"community": slackfake.Option("xinghewan"), "unit": slackfake.Text("3栋2单元1102"),
		"content": slackfake.Text("楼上漏水，天花板在滴水"), "category": slackfake.Option("repair"),
		"channel": slackfake.Option("walk_in"), "purpose": slackfake.Text("修好并赔偿吊顶"), "reply_by": slackfake.Text("2026-12-10"),
	})
	if err != nil {
		t.Fatal(err)
	}
	w = e.post(interactionsPath, sub.Body())
	wantStatus(t, w, http.StatusOK)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	replyBy := time.Date(2026, 12, 10, 23, 59, 0, 0, shanghai)
	want := recordCall{Platform: "slack", User: "U01FRONT01",
		InteractionID: "slack-view:" + opened[0].Result["view_id"] + ":" + opened[0].Result["view_hash"],
		Case: cases.NewCase{Channel: cases.ChannelWalkIn, CustomerName: "王女士", ContactPhone: "138 1234 5678",
			Community: "xinghewan", Unit: "3栋2单元1102", Content: "楼上漏水，天花板在滴水", Category: "repair",
			Purpose: "修好并赔偿吊顶", RequestedReplyBy: &replyBy}}
	if got := e.rec.got(); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("recorder got %+v, want %+v", got, want)
	}
	var ans struct {
		ResponseAction string `json:"response_action"`
		View           json.RawMessage
	}
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || ans.ResponseAction != "update" || !strings.Contains(string(ans.View), "已登记 TS-2026-000001") {
		t.Fatalf("answer %s: want the form replaced by the serial", w.Body.String())
	}

	// A field the case rejects is marked on its input.
	e.rec.out = desk.Outcome{Refused: true, Message: `contact_phone: "12345" is not a phone number`}
	w = e.post(interactionsPath, sub.Body())
	if !strings.Contains(w.Body.String(), `"errors":{"phone":`) {
		t.Errorf("refused phone answered %s", w.Body.String())
	}
	e.rec.out, e.rec.err = desk.Outcome{}, &cases.Error{Code: cases.CodeInvalid, Field: "category", Message: "category: is required"}
	if w := e.post(interactionsPath, sub.Body()); !strings.Contains(w.Body.String(), `"errors":{"category":`) {
		t.Errorf("invalid category answered %s", w.Body.String())
	}
	e.rec.err = &cases.Error{Code: cases.CodeForbidden, Message: "您不能登记投诉"}
	if w := e.post(interactionsPath, sub.Body()); !strings.Contains(w.Body.String(), "您不能登记投诉") {
		t.Errorf("forbidden answered %s", w.Body.String())
	}
	e.rec.err = errors.New("database is down")
	if w := e.post(interactionsPath, sub.Body()); !strings.Contains(w.Body.String(), `"errors"`) {
		t.Errorf("failure answered %s: the form must stay open", w.Body.String())
	}
}

func TestOtherCommands(t *testing.T) {
	e := setup(t)
	for _, c := range []slackfake.SlashCommand{{Command: "/heed", User: "U01"}, {Command: "/complaint", Text: "help", User: "U01", TriggerID: "t"}} {
		w := e.post(commandsPath, c.Body())
		wantStatus(t, w, http.StatusOK)
		var ans map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || ans["response_type"] != "ephemeral" || !strings.Contains(ans["text"], "/complaint") {
			t.Errorf("%s %s answered %q", c.Command, c.Text, w.Body.String())
		}
	}
	if n := len(e.slack.Calls("views.open")); n != 0 {
		t.Errorf("views.open called %d times", n)
	}
	e.slack.Fail("views.open", slackfake.Failure{Status: 500})
	w := e.post(commandsPath, slackfake.SlashCommand{Command: "/complaint", User: "U01", TriggerID: "t"}.Body())
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "未能打开") {
		t.Errorf("views.open failing answered %d %s", w.Code, w.Body.String())
	}
}

func TestNew(t *testing.T) {
	eng, desk, rec, cfg := &bottest.Engine{}, &fakeDesk{}, &fakeRecorder{}, testConfig()
	for name, f := range map[string]func() (*heedslack.Bot, error){
		"no token":    func() (*heedslack.Bot, error) { return heedslack.New("", secret, "", eng, desk, rec, cfg, nil) },
		"no secret":   func() (*heedslack.Bot, error) { return heedslack.New(token, "", "", eng, desk, rec, cfg, nil) },
		"no engine":   func() (*heedslack.Bot, error) { return heedslack.New(token, secret, "", nil, desk, rec, cfg, nil) },
		"no recorder": func() (*heedslack.Bot, error) { return heedslack.New(token, secret, "", eng, desk, nil, cfg, nil) },
	} {
		if _, err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := heedslack.New(token, secret, "", eng, desk, rec, cfg, nil); err != nil {
		t.Errorf("Slack's own API: %v", err)
	}
}
