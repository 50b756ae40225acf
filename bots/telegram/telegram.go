// Package telegram connects owners on Telegram to the conversation engine:
// a webhook handler of our own (the library's answers 200 before the update
// is processed; ours answers only after the engine committed), and a sender
// for the outbox built on github.com/go-telegram/bot.
package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heedhq/heed/bots/internal/webhook"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
)

// Engine is the conversation engine as the webhook uses it.
type Engine interface {
	Handle(ctx context.Context, in conversation.Inbound) (conversation.Result, error)
}

// Files keeps downloaded photos.
type Files interface {
	SaveFile(ctx context.Context, name, mime string, data []byte) (cases.Attachment, error)
}

// Bot is heed's Telegram bot.
type Bot struct {
	api    *bot.Bot
	secret string
	eng    Engine
	files  Files
	log    *slog.Logger
	http   *http.Client
	desk   Desk // staff groups; nil: group updates are ignored
	texts  Texts
	cmds   Commander // the desk's commands in staff groups; nil: off
}

// Desk is the staff side as the bot uses it (package notify/desk): a press
// on a card, a reply to a prompt. It may also record complaints
// (Recorder) and find prompts (Prompter).
type Desk interface {
	Act(ctx context.Context, a desk.StaffAction) (desk.Outcome, error)
}

// Commander answers the staff's slash commands (package notify/desk).
type Commander interface {
	Command(ctx context.Context, c desk.StaffCommand) (string, error)
}

// SetCommands lets staff type the desk's commands (desk.Commands: /revisit,
// /bulletin, /report, /close, /archive) in a staff group.
func (b *Bot) SetCommands(c Commander) { b.cmds = c }

// SetDesk lets staff work cases from Telegram groups: card buttons and
// replies to the bot's prompts go to d.
func (b *Bot) SetDesk(d Desk, texts Texts) { b.desk, b.texts = d, texts }

// New makes the bot. apiURL is the Bot API base (HEED_TELEGRAM_API_URL; a
// fake in tests), "" for Telegram's own.
func New(token, secret, apiURL string, eng Engine, files Files, log *slog.Logger) (*Bot, error) {
	if token == "" || secret == "" {
		return nil, errors.New("telegram: token and webhook secret are both required")
	}
	opts := []bot.Option{bot.WithSkipGetMe(), bot.WithHTTPClient(time.Minute, &http.Client{Timeout: 30 * time.Second}),
		bot.WithErrorsHandler(func(err error) { log.Debug("telegram library", "err", err) })}
	if apiURL != "" {
		opts = append(opts, bot.WithServerURL(strings.TrimRight(apiURL, "/")))
	}
	api, err := bot.New(token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	return &Bot{api: api, secret: secret, eng: eng, files: files, log: log, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

// SetWebhook registers url with Telegram, with the secret Telegram must echo
// in X-Telegram-Bot-Api-Secret-Token.
func (b *Bot) SetWebhook(ctx context.Context, url string) error {
	_, err := b.api.SetWebhook(ctx, &bot.SetWebhookParams{URL: url, SecretToken: b.secret,
		AllowedUpdates: []string{"message", "edited_message", "callback_query", "my_chat_member"}})
	return err
}

// ServeHTTP is POST /webhooks/telegram.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(b.secret)) != 1 {
		http.Error(w, "wrong or missing secret token", http.StatusUnauthorized)
		return
	}
	body, ok := webhook.ReadBody(w, r)
	if !ok {
		return
	}
	var u models.Update
	if err := json.Unmarshal(webhook.WithoutNUL(body), &u); err != nil || u.ID == 0 {
		http.Error(w, "malformed update: a JSON Telegram Update with update_id is required", http.StatusBadRequest)
		return
	}
	if q := u.CallbackQuery; q != nil && q.Message.Message == nil && q.Message.InaccessibleMessage != nil {
		// A button on a message too old for Telegram to show the bot: a
		// press like any other (date 0 says it cannot be edited), answered.
		im := q.Message.InaccessibleMessage
		q.Message.Message = &models.Message{ID: im.MessageID, Chat: im.Chat}
	}
	if rec, ok := b.staffRecord(&u); ok {
		if err := rec(r.Context()); err != nil {
			b.log.Error("telegram staff command", "update_id", u.ID, "err", err)
			http.Error(w, "could not record the complaint; retry", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if a, ok := b.staffAction(r.Context(), &u); ok {
		if _, err := b.desk.Act(r.Context(), a); err != nil {
			b.log.Error("telegram staff action", "update_id", u.ID, "err", err)
			http.Error(w, "could not record the action; retry", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if done, err := b.memberUpdate(r.Context(), &u); done {
		if err != nil {
			b.log.Error("telegram my_chat_member", "update_id", u.ID, "err", err)
			http.Error(w, "could not record the update; retry", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	in, ok := b.inbound(r.Context(), &u)
	if !ok {
		w.WriteHeader(http.StatusOK) // nothing for heed: a group message, an edit, a reaction…
		return
	}
	res, err := b.eng.Handle(r.Context(), in)
	if err != nil {
		// No 2xx: Telegram delivers the update again, and the dedupe key makes that harmless.
		b.log.Error("telegram update", "update_id", u.ID, "err", err)
		http.Error(w, "could not record the update; retry", http.StatusInternalServerError)
		return
	}
	if res.Duplicate {
		b.log.Debug("telegram duplicate update", "update_id", u.ID)
	}
	w.WriteHeader(http.StatusOK)
}

// inbound translates an update into the engine's terms. Only private chats
// with owners are conversations here.
func (b *Bot) inbound(ctx context.Context, u *models.Update) (conversation.Inbound, bool) {
	in := conversation.Inbound{Channel: cases.ChannelTelegram, MessageID: strconv.FormatInt(u.ID, 10), At: time.Now()}
	switch {
	case u.EditedMessage != nil && u.EditedMessage.Chat.Type == models.ChatTypePrivate && u.EditedMessage.From != nil:
		m := u.EditedMessage
		in.ChatID, in.UserID = strconv.FormatInt(m.Chat.ID, 10), strconv.FormatInt(m.From.ID, 10)
		in.Name, in.LanguageHint = strings.TrimSpace(m.From.FirstName+" "+m.From.LastName), m.From.LanguageCode
		in.Kind, in.Text, in.Edits = conversation.KindEdit, m.Text, strconv.Itoa(m.ID)
		if in.Text == "" {
			in.Text = m.Caption
		}
		return in, true
	case u.Message != nil && u.Message.Chat.Type == models.ChatTypePrivate && u.Message.From != nil:
		m := u.Message
		in.ChatID, in.UserID = strconv.FormatInt(m.Chat.ID, 10), strconv.FormatInt(m.From.ID, 10)
		in.Name = strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
		in.LanguageHint = m.From.LanguageCode
		in.Ref = strconv.Itoa(m.ID)
		switch {
		case m.Contact != nil:
			// A contact card shared from the attachment menu (or a
			// request_contact keyboard): the owner's own when its user_id is theirs.
			in.Kind = conversation.KindContact
			in.Contact = &conversation.Contact{Phone: m.Contact.PhoneNumber,
				Name: strings.TrimSpace(m.Contact.FirstName + " " + m.Contact.LastName), Own: m.Contact.UserID == m.From.ID}
		case m.Location != nil && m.Venue == nil:
			in.Kind, in.Location = conversation.KindLocation, &conversation.Location{Lat: m.Location.Latitude, Lng: m.Location.Longitude}
		case m.Venue != nil:
			in.Kind = conversation.KindLocation
			in.Location = &conversation.Location{Lat: m.Venue.Location.Latitude, Lng: m.Venue.Location.Longitude,
				Label: strings.TrimSpace(m.Venue.Title + " " + m.Venue.Address)}
		case len(m.Photo) > 0:
			in.Kind, in.Text = conversation.KindPhoto, m.Caption
			largest := m.Photo[len(m.Photo)-1]
			in.Attachments = []cases.Attachment{b.download(ctx, largest.FileID, "photo.jpg", "image/jpeg")}
		case m.Document != nil:
			in.Kind, in.Text = conversation.KindPhoto, m.Caption
			in.Attachments = []cases.Attachment{b.download(ctx, m.Document.FileID, m.Document.FileName, m.Document.MimeType)}
		case m.Sticker != nil:
			in.Kind = conversation.KindSticker
		case m.Text != "":
			in.Kind, in.Text = conversation.KindText, m.Text
		default:
			in.Kind = conversation.KindOther
		}
		return in, true
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil &&
		u.CallbackQuery.Message.Message.Chat.Type == models.ChatTypePrivate:
		q := u.CallbackQuery
		msg := q.Message.Message
		in.ChatID, in.UserID = strconv.FormatInt(msg.Chat.ID, 10), strconv.FormatInt(q.From.ID, 10)
		in.Name, in.LanguageHint = strings.TrimSpace(q.From.FirstName+" "+q.From.LastName), q.From.LanguageCode
		in.Kind, in.Button = conversation.KindButton, q.Data
		// Stop the button's spinner, and show the choice under the question
		// in place of its buttons — queued with the answer, sent after commit.
		in.Also = []notify.Message{
			{Channel: string(cases.ChannelTelegram), ChatID: in.ChatID, Kind: notify.KindAnswerCallback,
				Payload: notify.Payload{CallbackID: q.ID}},
		}
		if msg.Date != 0 { // an old message Telegram no longer shows the bot cannot be edited
			in.Also = append(in.Also, notify.Message{Channel: string(cases.ChannelTelegram), ChatID: in.ChatID, Kind: notify.KindEditChoice,
				Payload: notify.Payload{MessageID: strconv.Itoa(msg.ID), Text: msg.Text + "\n\n→ " + chosenLabel(msg, q.Data)}})
		}
		return in, true
	}
	return in, false
}

// Blocker records owners who blocked the bot, and who let it write again
// (the conversation engine does).
type Blocker interface {
	SetBlocked(ctx context.Context, channel cases.Channel, userID string, blocked bool, why string) error
}

// memberUpdate reads my_chat_member in a private chat: the owner blocked
// the bot ("kicked") or unblocked it ("member"). It reports whether the
// update was one.
func (b *Bot) memberUpdate(ctx context.Context, u *models.Update) (bool, error) {
	m := u.MyChatMember
	if m == nil || m.Chat.Type != models.ChatTypePrivate {
		return false, nil
	}
	bl, ok := b.eng.(Blocker)
	if !ok {
		return true, nil
	}
	user := strconv.FormatInt(m.Chat.ID, 10)
	switch m.NewChatMember.Type {
	case models.ChatMemberTypeBanned:
		return true, bl.SetBlocked(ctx, cases.ChannelTelegram, user, true, conversation.BlockedBot)
	case models.ChatMemberTypeMember:
		return true, bl.SetBlocked(ctx, cases.ChannelTelegram, user, false, "")
	}
	return true, nil
}

// blockedBy records an owner whose chat refuses the bot's messages (403
// "bot was blocked by the user", or a deleted account).
func (b *Bot) blockedBy(ctx context.Context, chat int64, err error) {
	bl, ok := b.eng.(Blocker)
	if !ok || chat <= 0 || !errors.Is(err, bot.ErrorForbidden) {
		return
	}
	if msg := err.Error(); !strings.Contains(msg, "blocked by the user") && !strings.Contains(msg, "user is deactivated") {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := bl.SetBlocked(ctx, cases.ChannelTelegram, strconv.FormatInt(chat, 10), true, conversation.BlockedBot); err != nil {
		b.log.Warn("telegram: recording a blocked owner", "err", err)
	}
}

// download fetches an owner's photo through getFile and keeps it. When
// Telegram cannot give it now, the case keeps the file id to fetch later.
func (b *Bot) download(ctx context.Context, fileID, name, mime string) cases.Attachment {
	fallback := cases.Attachment{Kind: "photo", Ref: "telegram-file:" + fileID, Name: name, MIME: mime}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	f, err := b.api.GetFile(ctx, &bot.GetFileParams{FileID: fileID})
	if err != nil {
		b.log.Warn("telegram getFile", "err", err)
		return fallback
	}
	if f.FileSize > cases.MaxFileBytes {
		return fallback
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.api.FileDownloadLink(f), nil)
	res, err := b.http.Do(req)
	if err != nil {
		b.log.Warn("telegram file download", "err", errors.Unwrap(err))
		return fallback
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, cases.MaxFileBytes+1))
	if err != nil || res.StatusCode != http.StatusOK || len(data) > cases.MaxFileBytes {
		b.log.Warn("telegram file download", "status", res.StatusCode)
		return fallback
	}
	a, err := b.files.SaveFile(ctx, name, mime, data)
	if err != nil {
		b.log.Warn("telegram file save", "err", err)
		return fallback
	}
	return a
}
