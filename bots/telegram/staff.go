package telegram

// The staff side of the bot: a free-text complaint a specialist types in a
// group, and button presses and prompt answers as desk actions.

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify/desk"
)

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
