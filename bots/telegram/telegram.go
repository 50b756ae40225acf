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
	"unicode"

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

// Recorder records complaints staff take for owners (the desk does).
type Recorder interface {
	Record(ctx context.Context, platform, platformUser, interactionID string, n cases.NewCase) (desk.Outcome, error)
}

// Texts is how heed reads a free-text complaint a staff member types.
type Texts interface {
	Fill(n *cases.NewCase)
}

// staffRecord reads "/complaint 王女士 13812345678 星河湾3栋2单元1102 楼上漏水" in
// a staff group: a complaint taken by phone for an owner. The text is
// understood the same way as an owner's (category, community, unit, phone);
// the outcome (the serial, or what is missing) is posted back to the group.
func (b *Bot) staffRecord(u *models.Update) (func(context.Context) error, bool) {
	rec, ok := b.desk.(Recorder)
	if b.desk == nil || !ok || b.texts == nil || u.Message == nil || u.Message.From == nil || u.Message.Chat.Type == models.ChatTypePrivate {
		return nil, false
	}
	text := strings.TrimSpace(u.Message.Text)
	cmd, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i > 0 {
		cmd, rest = text[:i], text[i:]
	}
	chat := strconv.FormatInt(u.Message.Chat.ID, 10)
	c, _, _ := strings.Cut(cmd, "@")
	if name := strings.TrimPrefix(c, "/"); b.cmds != nil && desk.Answered(name) {
		return func(ctx context.Context) error {
			text, err := b.cmds.Command(ctx, desk.StaffCommand{Platform: "telegram", PlatformUser: strconv.FormatInt(u.Message.From.ID, 10),
				ChatID: chat, InteractionID: strconv.FormatInt(u.ID, 10), Name: name, Args: strings.TrimSpace(rest)})
			if err != nil {
				return err // no 2xx: Telegram delivers the update again
			}
			if _, err := b.api.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: clip(text),
				ReplyParameters: &models.ReplyParameters{MessageID: u.Message.ID}}); err != nil {
				b.log.Warn("telegram command answer", "command", name, "err", err)
			}
			return nil
		}, true
	}
	if c != "/complaint" {
		return nil, false
	}
	return func(ctx context.Context) error {
		n := cases.NewCase{Channel: cases.ChannelPhone, Content: strings.TrimSpace(rest)}
		b.texts.Fill(&n)
		out, err := rec.Record(ctx, "telegram", strconv.FormatInt(u.Message.From.ID, 10), strconv.FormatInt(u.ID, 10), n)
		if err != nil {
			return err
		}
		text := out.Message
		if strings.TrimSpace(rest) == "" {
			text = "用法：\n" + desk.Usage("complaint")
		}
		_, err = b.api.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: text, ReplyParameters: &models.ReplyParameters{MessageID: u.Message.ID}})
		if err != nil {
			b.log.Warn("telegram /complaint answer", "err", err)
		}
		return nil
	}, true
}

// Prompter finds the action a prompt of the bot asks the text of (the
// desk does), by the prompt's message id.
type Prompter interface {
	Prompted(ctx context.Context, platform, chat, messageID, text string) (action, serial string, ok bool)
}

// staffAction reads a press on a card or a prompt's button, or a reply to a
// prompt, in a group.
func (b *Bot) staffAction(ctx context.Context, u *models.Update) (desk.StaffAction, bool) {
	if b.desk == nil {
		return desk.StaffAction{}, false
	}
	id := strconv.FormatInt(u.ID, 10)
	switch {
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil &&
		u.CallbackQuery.Message.Message.Chat.Type != models.ChatTypePrivate:
		q := u.CallbackQuery
		// Data that is no card's (an old keyboard, garbage) goes to the desk
		// as no action: it answers the press, so the spinner stops and the
		// presser is told the button no longer works — never an error
		// Telegram would deliver again and again.
		action, serial, choice, _ := desk.ParseAct(q.Data)
		a := desk.StaffAction{Platform: "telegram", PlatformUser: strconv.FormatInt(q.From.ID, 10),
			ChatID: strconv.FormatInt(q.Message.Message.Chat.ID, 10), InteractionID: id, Action: action, Serial: serial,
			Choice: choice, CallbackID: q.ID}
		a.Pressed, a.PressedText = strconv.Itoa(q.Message.Message.ID), q.Message.Message.Text
		return a, true
	case u.Message != nil && u.Message.Chat.Type != models.ChatTypePrivate && u.Message.From != nil &&
		u.Message.ReplyToMessage != nil:
		p, ok := b.desk.(Prompter)
		if !ok || strings.TrimSpace(u.Message.Text) == "" {
			return desk.StaffAction{}, false
		}
		chat := strconv.FormatInt(u.Message.Chat.ID, 10)
		action, serial, ok := p.Prompted(ctx, "telegram", chat, strconv.Itoa(u.Message.ReplyToMessage.ID), u.Message.ReplyToMessage.Text)
		if !ok {
			return desk.StaffAction{}, false
		}
		return desk.StaffAction{Platform: "telegram", PlatformUser: strconv.FormatInt(u.Message.From.ID, 10),
			ChatID: chat, InteractionID: id, Action: action, Serial: serial, Text: u.Message.Text}, true
	}
	return desk.StaffAction{}, false
}

func chosenLabel(m *models.Message, data string) string {
	if m.ReplyMarkup != nil {
		for _, row := range m.ReplyMarkup.InlineKeyboard {
			for _, btn := range row {
				if btn.CallbackData == data {
					return btn.Text
				}
			}
		}
	}
	return data
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

// Send delivers one outbox row (notify.Sender).
func (b *Bot) Send(ctx context.Context, m notify.Message) (string, error) {
	chat, err := strconv.ParseInt(m.ChatID, 10, 64)
	if err != nil {
		return "", &notify.PermanentError{Err: fmt.Errorf("telegram chat id %q", m.ChatID)}
	}
	switch m.Kind {
	case notify.KindAnswerCallback:
		_, err = b.api.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: m.Payload.CallbackID,
			Text: clip(m.Payload.Text), ShowAlert: m.Payload.Alert})
		return "", classify(err)
	case notify.KindCard:
		return b.sendCard(ctx, chat, m)
	case notify.KindPrivate:
		if uid, err := strconv.ParseInt(m.Payload.UserID, 10, 64); err == nil {
			chat = uid
		}
	case notify.KindEditChoice:
		id, _ := strconv.Atoi(m.Payload.MessageID)
		edit := &bot.EditMessageTextParams{ChatID: chat, MessageID: id, Text: clip(m.Payload.Text)}
		if len(m.Payload.Choices) > 0 { // choices that stay, e.g. toggles
			edit.ReplyMarkup = keyboard(m.Payload.Choices)
		}
		_, err = b.api.EditMessageText(ctx, edit)
		return m.Payload.MessageID, classify(err)
	}
	p := &bot.SendMessageParams{ChatID: chat, Text: clip(m.Payload.Text)}
	if len(m.Payload.Choices) > 0 {
		p.ReplyMarkup = keyboard(m.Payload.Choices)
	}
	if m.Payload.ForceReply {
		p.ReplyMarkup = &models.ForceReply{ForceReply: true, Selective: true}
	}
	sent, err := b.api.SendMessage(ctx, p)
	if err != nil {
		b.blockedBy(ctx, chat, err)
		return "", classify(err)
	}
	return strconv.Itoa(sent.ID), nil
}

// sendCard posts a case card as text with its buttons, or edits the one
// already posted (Payload.MessageID).
func (b *Bot) sendCard(ctx context.Context, chat int64, m notify.Message) (string, error) {
	c := m.Payload.Card
	var t strings.Builder
	t.WriteString(c.Title + "\n")
	for _, f := range c.Fields {
		t.WriteString(f.Label + "：" + f.Value + "\n")
	}
	if c.Body != "" {
		t.WriteString("\n" + c.Body + "\n")
	}
	if c.Status != "" {
		t.WriteString("\n状态：" + c.Status + "\n")
	}
	for _, h := range c.History {
		t.WriteString("· " + h + "\n")
	}
	var choices []notify.Choice
	for _, btn := range c.Buttons {
		choices = append(choices, notify.Choice{Label: btn.Label, Data: btn.Data})
	}
	kb := keyboard(choices)
	if m.Payload.MessageID != "" {
		id, _ := strconv.Atoi(m.Payload.MessageID)
		_, err := b.api.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chat, MessageID: id, Text: clip(t.String()), ReplyMarkup: kb})
		if err != nil && strings.Contains(err.Error(), "message is not modified") {
			err = nil
		}
		return m.Payload.MessageID, classify(err)
	}
	sent, err := b.api.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: clip(t.String()), ReplyMarkup: kb})
	if err != nil {
		return "", classify(err)
	}
	return strconv.Itoa(sent.ID), nil
}

// keyboard lays choices out: short labels two to a row, long ones alone.
func keyboard(cs []notify.Choice) *models.InlineKeyboardMarkup {
	var rows [][]models.InlineKeyboardButton
	var row []models.InlineKeyboardButton
	for _, c := range cs {
		btn := models.InlineKeyboardButton{Text: c.Label, CallbackData: c.Data}
		if len([]rune(c.Label)) > 10 {
			if len(row) > 0 {
				rows, row = append(rows, row), nil
			}
			rows = append(rows, []models.InlineKeyboardButton{btn})
			continue
		}
		row = append(row, btn)
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// clip keeps a text within Telegram's 4096 characters; the full text stays
// in the transcript.
func clip(s string) string {
	r := []rune(s)
	if len(r) <= 4096 {
		return s
	}
	return string(r[:4095]) + "…"
}

// classify maps the library's errors to the outbox's retry rules.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var tooMany *bot.TooManyRequestsError
	if errors.As(err, &tooMany) {
		return &notify.RetryAfterError{Wait: time.Duration(tooMany.RetryAfter) * time.Second, Err: err}
	}
	if errors.Is(err, bot.ErrorForbidden) { // blocked by the user, kicked from the group, account gone
		return &notify.PermanentError{Err: err, Chat: true}
	}
	var migrate *bot.MigrateError
	if errors.As(err, &migrate) || errors.Is(err, bot.ErrorBadRequest) ||
		errors.Is(err, bot.ErrorUnauthorized) || errors.Is(err, bot.ErrorNotFound) {
		return &notify.PermanentError{Err: err}
	}
	return err
}
