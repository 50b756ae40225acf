package slackfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Team and app ids the payloads carry.
const (
	TeamID = "T0HEED"
	AppID  = "A0HEED"
)

// Sign returns the headers Slack signs a request with: X-Slack-Request-
// Timestamp and X-Slack-Signature "v0=" + HMAC-SHA256(secret, "v0:ts:body").
func Sign(secret string, body []byte, ts time.Time) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

// NewRequest is the POST Slack makes to target with body, signed with secret
// at ts: JSON for Events API bodies (they start with "{"), a form otherwise.
// Use it with httptest.NewRecorder or an http.Client.
func NewRequest(secret, target string, body []byte, ts time.Time) *http.Request {
	r, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	for k, v := range Sign(secret, body, ts) {
		r.Header[k] = v
	}
	r.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	if len(body) > 0 && body[0] == '{' {
		r.Header.Set("Content-Type", "application/json")
	} else {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return r
}

// URLVerification is the body Slack sends when the events URL is set.
func URLVerification(challenge string) []byte {
	return mustJSON(map[string]any{"token": "verification-token", "challenge": challenge, "type": "url_verification"})
}

// MessageEvent is a message event of the Events API.
type MessageEvent struct {
	EventID     string // Ev…, the same on every retry
	Channel     string // D… for a DM
	ChannelType string // "im" for a DM; "channel", "group", "mpim"
	User        string
	Text        string
	TS          string // default: now
	BotID       string // set on messages posted by apps, heed's own included
	Subtype     string // message_changed, file_share, …
	Files       []File // with Subtype file_share: what was shared
}

// File is a file shared in a message.
type File struct{ ID, Name, Mimetype string }

// Body is the event_callback as Slack posts it.
func (e MessageEvent) Body() []byte {
	ts := e.TS
	if ts == "" {
		now := time.Now()
		ts = fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
	}
	ev := map[string]any{"type": "message", "text": e.Text, "user": e.User, "ts": ts, "team": TeamID,
		"channel": e.Channel, "event_ts": ts, "channel_type": e.ChannelType}
	if e.BotID != "" {
		ev["bot_id"] = e.BotID
	}
	if e.Subtype != "" {
		ev["subtype"] = e.Subtype
	}
	for _, f := range e.Files {
		files, _ := ev["files"].([]any)
		ev["files"] = append(files, map[string]any{"id": f.ID, "name": f.Name, "mimetype": f.Mimetype,
			"url_private_download": "https://files.slack.com/files-pri/" + TeamID + "-" + f.ID + "/download/" + f.Name})
	}
	if e.BotID == "" && e.Subtype == "" {
		ev["client_msg_id"] = "c-" + e.EventID
		ev["blocks"] = []any{map[string]any{"type": "rich_text", "block_id": "b1", "elements": []any{
			map[string]any{"type": "rich_text_section", "elements": []any{map[string]any{"type": "text", "text": e.Text}}}}}}
	}
	return mustJSON(map[string]any{
		"token": "verification-token", "team_id": TeamID, "api_app_id": AppID, "event": ev,
		"type": "event_callback", "event_id": e.EventID, "event_time": time.Now().Unix(),
		"authorizations":        []any{map[string]any{"team_id": TeamID, "user_id": "U0HEEDBOT", "is_bot": true}},
		"is_ext_shared_channel": false, "event_context": "4-" + e.EventID,
	})
}

// DMEvent is an owner's text message in a direct message with the app.
func DMEvent(eventID, channel, user, text string) []byte {
	return MessageEvent{EventID: eventID, Channel: channel, ChannelType: "im", User: user, Text: text}.Body()
}

// BlockActions is a button press.
type BlockActions struct {
	User        string
	Channel     string // where the message is: C… for a card, D… for an owner's DM
	MessageTS   string // the pressed message's ts
	MessageText string
	// MessageBlocks are the pressed message's blocks (JSON), as posted.
	MessageBlocks json.RawMessage
	ActionID      string
	BlockID       string
	Value         string
	Label         string
	ActionTS      string // default: now
	TriggerID     string // default: made up
	ResponseURL   string
}

// Press finds the button matching match (its action_id, value or label) in
// a message the fake saw posted or updated, and presses it as user.
func Press(posted Call, user, match string) (BlockActions, error) {
	var blocks []map[string]any
	if err := posted.Decode("blocks", &blocks); err != nil {
		return BlockActions{}, err
	}
	for _, b := range blocks {
		if b["type"] != "actions" {
			continue
		}
		els, _ := b["elements"].([]any)
		for _, e := range els {
			el, _ := e.(map[string]any)
			text, _ := el["text"].(map[string]any)
			label, _ := text["text"].(string)
			id, _ := el["action_id"].(string)
			value, _ := el["value"].(string)
			if match == id || match == value || match == label {
				bid, _ := b["block_id"].(string)
				return BlockActions{User: user, Channel: posted.Params["channel"], MessageTS: posted.Result["ts"],
					MessageText: posted.Params["text"], MessageBlocks: json.RawMessage(posted.Params["blocks"]),
					ActionID: id, BlockID: bid, Value: value, Label: label}, nil
			}
		}
	}
	return BlockActions{}, fmt.Errorf("no button %q in the %s message", match, posted.Method)
}

// Body is the interaction as Slack posts it: payload=<JSON>.
func (a BlockActions) Body() []byte {
	now := time.Now()
	actionTS := a.ActionTS
	if actionTS == "" {
		actionTS = fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
	}
	trigger := a.TriggerID
	if trigger == "" {
		trigger = fmt.Sprintf("%d.%d.trigger", now.Unix(), now.UnixNano())
	}
	blocks := a.MessageBlocks
	if len(blocks) == 0 {
		blocks = json.RawMessage("[]")
	}
	name := "engineering"
	if len(a.Channel) > 0 && a.Channel[0] == 'D' {
		name = "directmessage"
	}
	return payload(map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": a.User, "username": "u" + a.User, "name": "u" + a.User, "team_id": TeamID},
		"api_app_id": AppID, "token": "verification-token",
		"container":  map[string]any{"type": "message", "message_ts": a.MessageTS, "channel_id": a.Channel, "is_ephemeral": false},
		"trigger_id": trigger, "team": map[string]any{"id": TeamID, "domain": "heed-test"},
		"enterprise": nil, "is_enterprise_install": false,
		"channel": map[string]any{"id": a.Channel, "name": name},
		"message": map[string]any{"type": "message", "user": "U0HEEDBOT", "bot_id": "B0HEED", "app_id": AppID,
			"ts": a.MessageTS, "text": a.MessageText, "blocks": blocks, "team": TeamID},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": a.ResponseURL,
		"actions": []any{map[string]any{"action_id": a.ActionID, "block_id": a.BlockID, "type": "button",
			"text":  map[string]any{"type": "plain_text", "text": a.Label, "emoji": true},
			"value": a.Value, "action_ts": actionTS}},
	})
}

// Value is one input's submitted value.
type Value struct {
	Type     string // plain_text_input, static_select
	Value    string // a text input's
	Selected string // a select's chosen option value
}

// Text is a plain_text_input's value.
func Text(s string) Value { return Value{Type: "plain_text_input", Value: s} }

// Option is a static_select's chosen option.
func Option(value string) Value { return Value{Type: "static_select", Selected: value} }

// ViewSubmission is a modal's Submit.
type ViewSubmission struct {
	User            string
	ViewID          string
	Hash            string
	CallbackID      string
	PrivateMetadata string
	View            json.RawMessage // the view as opened (title, blocks…); optional
	// Values are keyed by block id, then action id, as Slack sends them.
	Values map[string]map[string]Value
}

// Submit fills the modal a views.open call the fake saw with values keyed by
// block id (the action id is taken from the view), as user.
func Submit(opened Call, user string, values map[string]Value) (ViewSubmission, error) {
	var view struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		Blocks          []struct {
			BlockID string `json:"block_id"`
			Element struct {
				ActionID string `json:"action_id"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := opened.Decode("view", &view); err != nil {
		return ViewSubmission{}, err
	}
	actions := map[string]string{}
	for _, b := range view.Blocks {
		actions[b.BlockID] = b.Element.ActionID
	}
	s := ViewSubmission{User: user, ViewID: opened.Result["view_id"], Hash: opened.Result["view_hash"],
		CallbackID: view.CallbackID, PrivateMetadata: view.PrivateMetadata,
		View: json.RawMessage(opened.Params["view"]), Values: map[string]map[string]Value{}}
	for block, v := range values {
		action, ok := actions[block]
		if !ok {
			return ViewSubmission{}, fmt.Errorf("the view has no input block %q", block)
		}
		s.Values[block] = map[string]Value{action: v}
	}
	return s, nil
}

// Body is the interaction as Slack posts it: payload=<JSON>.
func (v ViewSubmission) Body() []byte {
	view := map[string]any{}
	if len(v.View) > 0 {
		json.Unmarshal(v.View, &view) //nolint:errcheck
	}
	state := map[string]any{}
	for block, actions := range v.Values {
		m := map[string]any{}
		for action, val := range actions {
			switch val.Type {
			case "static_select":
				var sel any
				if val.Selected != "" {
					sel = map[string]any{"text": map[string]any{"type": "plain_text", "text": val.Selected, "emoji": true}, "value": val.Selected}
				}
				m[action] = map[string]any{"type": val.Type, "selected_option": sel}
			default:
				var text any
				if val.Value != "" {
					text = val.Value
				}
				m[action] = map[string]any{"type": "plain_text_input", "value": text}
			}
		}
		state[block] = m
	}
	view["id"], view["team_id"], view["type"] = v.ViewID, TeamID, "modal"
	view["callback_id"], view["private_metadata"], view["hash"] = v.CallbackID, v.PrivateMetadata, v.Hash
	view["state"] = map[string]any{"values": state}
	view["root_view_id"], view["app_id"], view["bot_id"] = v.ViewID, AppID, "B0HEED"
	if view["blocks"] == nil {
		view["blocks"] = []any{}
	}
	return payload(map[string]any{
		"type": "view_submission", "team": map[string]any{"id": TeamID, "domain": "heed-test"},
		"user":       map[string]any{"id": v.User, "username": "u" + v.User, "name": "u" + v.User, "team_id": TeamID},
		"api_app_id": AppID, "token": "verification-token", "trigger_id": fmt.Sprintf("%d.submit", time.Now().UnixNano()),
		"view": view, "response_urls": []any{}, "is_enterprise_install": false, "enterprise": nil,
	})
}

// SlashCommand is a slash command as Slack posts it.
type SlashCommand struct {
	Command     string // "/complaint"
	Text        string
	User        string
	Channel     string
	TriggerID   string
	ResponseURL string
}

// Body is the form Slack posts.
func (c SlashCommand) Body() []byte {
	return []byte(url.Values{
		"token": {"verification-token"}, "team_id": {TeamID}, "team_domain": {"heed-test"},
		"channel_id": {c.Channel}, "channel_name": {"front-desk"}, "user_id": {c.User}, "user_name": {"u" + c.User},
		"command": {c.Command}, "text": {c.Text}, "api_app_id": {AppID}, "is_enterprise_install": {"false"},
		"response_url": {c.ResponseURL}, "trigger_id": {c.TriggerID},
	}.Encode())
}

func payload(v any) []byte {
	return []byte(url.Values{"payload": {string(mustJSON(v))}}.Encode())
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
