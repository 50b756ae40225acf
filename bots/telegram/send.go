package telegram

// The outbox's sender for Telegram: messages, cards edited in place,
// keyboards, and errors classified for retry.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heedhq/heed/notify"
)

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
