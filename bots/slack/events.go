package slack

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// envelope is the outer Events API body. slackevents.ParseEvent fails on
// inner event types it does not know; heed only needs to tell the message
// events it handles from everything else, which it answers 200 and ignores.
type envelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// events is POST /webhooks/slack/events.
func (b *Bot) events(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
	if !ok {
		return
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Type == "" {
		http.Error(w, "malformed event: a JSON Events API body with a type is required", http.StatusBadRequest)
		return
	}
	switch env.Type {
	case slackevents.URLVerification:
		// slackevents.ChallengeResponse has no json tag: it would answer "Challenge".
		writeJSON(w, map[string]string{"challenge": env.Challenge})
		return
	case slackevents.AppRateLimited:
		b.log.Warn("slack events rate limited: Slack dropped events for a minute")
		w.WriteHeader(http.StatusOK)
		return
	case slackevents.CallbackEvent:
	default:
		w.WriteHeader(http.StatusOK)
		return
	}
	if env.EventID == "" || len(env.Event) == 0 {
		http.Error(w, "malformed event_callback: event_id and event are required", http.StatusBadRequest)
		return
	}
	var inner struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(env.Event, &inner); err != nil {
		http.Error(w, "malformed event_callback: event is not a JSON object", http.StatusBadRequest)
		return
	}
	if inner.Type != string(slackevents.Message) {
		w.WriteHeader(http.StatusOK)
		return
	}
	var m slackevents.MessageEvent
	if err := json.Unmarshal(env.Event, &m); err != nil {
		http.Error(w, "malformed message event", http.StatusBadRequest)
		return
	}
	// An owner's own words and photos in a DM with the app; not heed's own
	// posts (bot_id), not edits, deletions or joins (subtype).
	if m.ChannelType != "im" || m.BotID != "" || m.SubType != "" && m.SubType != "file_share" || m.User == "" || m.Channel == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	in := conversation.Inbound{
		Channel: cases.ChannelSlack, ChatID: m.Channel, UserID: m.User,
		// The event_id stays the same on every retry (X-Slack-Retry-Num):
		// a retry after a slow commit changes nothing.
		MessageID: env.EventID, Kind: conversation.KindText, Text: m.Text, At: time.Now(),
	}
	if files := sharedFiles(env.Event); len(files) > 0 {
		in.Kind, in.Attachments = conversation.KindPhoto, files
	} else if m.Text == "" {
		in.Kind = conversation.KindOther
	}
	res, err := b.eng.Handle(r.Context(), in)
	if err != nil {
		// No 2xx: Slack delivers the event again.
		b.log.Error("slack event", "event_id", env.EventID, "err", err)
		http.Error(w, "could not record the event; retry", http.StatusInternalServerError)
		return
	}
	if res.Duplicate {
		b.log.Debug("slack duplicate event", "event_id", env.EventID, "retry", r.Header.Get("X-Slack-Retry-Num"))
	}
	w.WriteHeader(http.StatusOK)
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := jsonBytes(v)
	if err != nil {
		http.Error(w, "could not encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body) //nolint:errcheck
}

// jsonBytes encodes without escaping <, > and & as \u003c…: Slack reads
// them as they are.
func jsonBytes(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sharedFiles are the files of a file_share message, kept by their Slack
// id: the desk opens them in Slack (the owner's DM is the app's).
func sharedFiles(event json.RawMessage) []cases.Attachment {
	var m struct {
		Files []struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			Mimetype string `json:"mimetype"`
		} `json:"files"`
	}
	if json.Unmarshal(event, &m) != nil {
		return nil
	}
	var out []cases.Attachment
	for _, f := range m.Files {
		if f.ID == "" {
			continue
		}
		kind := "file"
		if strings.HasPrefix(f.Mimetype, "image/") {
			kind = "photo"
		}
		out = append(out, cases.Attachment{Kind: kind, Ref: "slack-file:" + f.ID, Name: f.Name, MIME: f.Mimetype})
	}
	return out
}
