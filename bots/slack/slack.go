// Package slack connects heed to a Slack workspace: owners who write to the
// app in a direct message talk to the conversation engine; staff work cases
// from the cards heed posts in team channels (buttons, and modals where an
// action needs a text or a department), and record phone, walk-in, letter
// and e-mail complaints with /complaint.
//
// slack-go has no HTTP handler of its own: the three webhooks here verify the
// signing secret, decode with the library's types, and answer only after the
// engine or the desk committed (Slack retries events that got no 2xx; the
// event_id is the dedupe key). Everything heed posts goes through the outbox
// (Send), except what must happen inside Slack's 3-second window: views.open
// with a trigger_id, and the private answer to a press via its response_url.
package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/heedhq/heed/bots/internal/webhook"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify/desk"
)

// Platform is the name staff actions and records carry for Slack.
const Platform = "slack"

// Engine is the conversation engine as owners' direct messages use it.
type Engine interface {
	Handle(ctx context.Context, in conversation.Inbound) (conversation.Result, error)
}

// Recorder registers a complaint a staff member took by phone, at the desk,
// by letter or by e-mail. interactionID is the dedupe key of the submission.
type Recorder interface {
	Record(ctx context.Context, platform, platformUser, interactionID string, n cases.NewCase) (desk.Outcome, error)
}

// Callback ids of heed's modals, and the block ids of their inputs. Each
// input's action id equals its block id, so a view_submission's state is
// values[id][id].
const (
	CallbackAct    = "act"    // a card action that needs a text or a department
	CallbackRecord = "record" // the /complaint form

	// The inputs of a card action's form, named as desk.Input names them.
	InputText       = "text"
	InputDepartment = "department"
	InputHandler    = "handler"

	InputName      = "name"
	InputPhone     = "phone"
	InputCommunity = "community"
	InputUnit      = "unit"
	InputContent   = "content"
	InputCategory  = "category" // also 改类别's choice on a card action's form
	InputChannel   = "channel"
	InputPurpose   = "purpose"  // 投诉目的、要求
	InputReplyBy   = "reply_by" // the reply date the owner asked for
)

// Prefixes of the action ids of heed's buttons.
const (
	ownerPrefix = "owner:" // a choice offered to an owner in a DM
	actPrefix   = "act:"   // a card button: "act:<action>:<serial>"
)

// Bot is heed's Slack app.
type Bot struct {
	api    *slackapi.Client
	secret string
	eng    Engine
	desk   Desk
	rec    Recorder
	cfg    *config.Config
	log    *slog.Logger
	http   *http.Client // for response_url answers
	cmds   Commander    // the desk's commands (desk.Commands); nil: off
	files  Files        // owners' photos in DMs (files.go); nil: kept as references
}

// Desk is the staff side as the bot uses it (package notify/desk): the form
// an action asks for, then the action.
type Desk interface {
	Act(ctx context.Context, a desk.StaffAction) (desk.Outcome, error)
	Form(ctx context.Context, a desk.StaffAction) (*desk.Form, desk.Outcome, error)
}

// Commander answers the staff's slash commands (package notify/desk).
type Commander interface {
	Command(ctx context.Context, c desk.StaffCommand) (string, error)
}

// SetCommands lets staff use the desk's commands (desk.Commands).
func (b *Bot) SetCommands(c Commander) { b.cmds = c }

// New makes the app. apiURL is the Web API base (HEED_SLACK_API_URL; a fake
// in tests, e.g. slackfake.Server.APIURL()), "" for Slack's own.
func New(botToken, signingSecret, apiURL string, eng Engine, d Desk, rec Recorder, cfg *config.Config, log *slog.Logger) (*Bot, error) {
	if botToken == "" || signingSecret == "" {
		return nil, errors.New("slack: bot token and signing secret are both required")
	}
	if eng == nil || d == nil || rec == nil || cfg == nil {
		return nil, errors.New("slack: engine, desk, recorder and config are all required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// No retries in the library: the outbox retries, honouring Retry-After.
	opts := []slackapi.Option{slackapi.OptionHTTPClient(&http.Client{Timeout: 15 * time.Second})}
	if apiURL != "" {
		// The library joins base and method by plain concatenation.
		opts = append(opts, slackapi.OptionAPIURL(strings.TrimRight(apiURL, "/")+"/"))
	}
	return &Bot{
		api: slackapi.New(botToken, opts...), secret: signingSecret,
		eng: eng, desk: d, rec: rec, cfg: cfg, log: log,
		http: &http.Client{Timeout: 10 * time.Second},
	}, nil
}

// Register adds the app's webhooks to mux.
func (b *Bot) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /webhooks/slack/events", b.events)
	mux.HandleFunc("POST /webhooks/slack/interactions", b.interactions)
	mux.HandleFunc("POST /webhooks/slack/commands", b.commands)
}

// verified reads the body and checks Slack's signature over it (HMAC of the
// signing secret, timestamp at most five minutes off). On failure it has
// answered and returns false; on success r.Body can be read again.
func (b *Bot) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, ok := webhook.ReadBody(w, r)
	if !ok {
		return nil, false
	}
	sv, err := slackapi.NewSecretsVerifier(r.Header, b.secret)
	if err == nil {
		if _, err = sv.Write(body); err == nil {
			err = sv.Ensure()
		}
	}
	if err != nil {
		// The library's errors name the check that failed, never the secret.
		b.log.Warn("slack request rejected", "path", r.URL.Path, "err", err)
		http.Error(w, "missing, invalid or stale Slack signature", http.StatusUnauthorized)
		return nil, false
	}
	if len(body) > 0 && body[0] == '{' {
		body = webhook.WithoutNUL(body)
	} else {
		body = webhook.FormWithoutNUL(body)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return body, true
}

// privately tells the presser of a button something only they see, through
// the interaction's response_url. It runs after the answer to Slack so the
// press is acknowledged within Slack's 3 seconds whatever this takes; what it
// says is a courtesy (the decision is already committed), so a failure is
// only logged.
func (b *Bot) privately(ctx context.Context, responseURL, text string) {
	if responseURL == "" || text == "" {
		return
	}
	ctx = context.WithoutCancel(ctx)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := b.respond(ctx, responseURL, text); err != nil {
			b.log.Warn("slack response_url", "err", err)
		}
	}()
}

func (b *Bot) respond(ctx context.Context, responseURL, text string) error {
	body, err := jsonBytes(map[string]any{"response_type": "ephemeral", "replace_original": false, "text": text})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	res, err := b.http.Do(req)
	if err != nil {
		return errors.Unwrap(err) // the *url.Error would repeat the URL, a capability
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 4096)) //nolint:errcheck
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}
