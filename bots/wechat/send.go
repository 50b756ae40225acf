package wechat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/heedhq/heed/conversation/understand"
	"github.com/heedhq/heed/notify"
)

// TemplateCaseUpdate is the template (wechat.templates.case_update) every
// message to an owner outside the 48-hour window goes as.
const TemplateCaseUpdate = "case_update"

// ErrUnsubscribed: the owner unfollowed the account; WeChat delivers
// nothing to them until they follow again.
var ErrUnsubscribed = errors.New("the owner has unfollowed the Official Account: WeChat delivers nothing to them until they follow again")

// maxTextBytes bounds a customer-service text message.
const maxTextBytes = 2048

// Send delivers one outbox row (notify.Sender for channel "wechat"): a
// customer-service message inside the 48-hour window after the owner's last
// interaction, the case_update template message outside it (known from the
// followers table, or told by WeChat's 45015/45047). The platform id is the
// template message's msgid ("" for customer-service messages, which have
// none).
func (b *Bot) Send(ctx context.Context, m notify.Message) (string, error) {
	switch m.Kind {
	case "", notify.KindMessage, notify.KindPrivate:
	case notify.KindAnswerCallback, notify.KindEditChoice:
		return "", nil // Telegram's button chores: WeChat has no buttons
	case notify.KindMassByTag:
		return b.sendToTag(ctx, m)
	default:
		return "", &notify.PermanentError{Err: fmt.Errorf("wechat: %q messages are not sent to WeChat owners", m.Kind)}
	}
	openID := m.ChatID
	if openID == "" {
		return "", &notify.PermanentError{Err: errors.New("wechat: no OpenID")}
	}
	f, known, err := b.follower(ctx, openID)
	if err != nil {
		return "", err
	}
	if known && !f.Subscribed {
		return "", &notify.PermanentError{Err: ErrUnsubscribed}
	}
	now := b.now()
	if !known || f.LastInteraction == nil || now.Sub(*f.LastInteraction) < window {
		err := b.sendCustom(ctx, openID, m.Payload)
		switch code := errCode(err); code {
		case 0:
			return "", nil
		case errOutOfWindow, errOutOfCount:
			// The window closed (or the owner has not answered 20 messages): a template instead.
		default:
			return "", b.classify(ctx, openID, err)
		}
	}
	id, err := b.sendTemplate(ctx, m, f.LastInteraction)
	if err != nil {
		return "", b.classify(ctx, openID, err)
	}
	return id, nil
}

// sendCustom posts message/custom/send: text with numbered choices, or a
// msgmenu when wechat.choice_menu is on.
func (b *Bot) sendCustom(ctx context.Context, openID string, p notify.Payload) error {
	var msg *message.CustomerMessage
	if b.choiceMenu && len(p.Choices) > 0 && len(p.Choices) < 100 {
		msg = &message.CustomerMessage{ToUser: openID, Msgtype: "msgmenu", Msgmenu: &message.MediaMsgmenu{
			HeadContent: clipBytes(p.Text, maxTextBytes/2), TailContent: choiceHint(p.Text)}}
		for i, c := range p.Choices {
			msg.Msgmenu.List = append(msg.Msgmenu.List, message.MsgmenuItem{ID: strconv.Itoa(i + 1), Content: c.Label})
		}
	} else {
		msg = message.NewCustomerTextMessage(openID, RenderText(p.Text, p.Choices))
	}
	_, err := b.call(ctx, "message/custom/send", nil, msg, nil)
	return err
}

// RenderText is a message as WeChat shows it: WeChat has no buttons, so
// choices become numbered lines, and the engine takes the number typed back
// as the choice.
func RenderText(text string, choices []notify.Choice) string {
	if len(choices) == 0 {
		return clipBytes(text, maxTextBytes)
	}
	var tail strings.Builder
	tail.WriteString("\n\n" + choiceHint(text))
	for i, c := range choices {
		fmt.Fprintf(&tail, "\n%d. %s", i+1, c.Label)
	}
	return clipBytes(text, maxTextBytes-len(tail.String())) + tail.String()
}

// choiceHint says how to answer, in the message's own language.
func choiceHint(text string) string {
	switch {
	case !hasHan(text):
		return "Reply with a number:"
	case understand.DetectLanguage(text) == "zh-TW":
		return "回覆數字即可選擇："
	default:
		return "回复数字即可选择："
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// clipBytes keeps at most n bytes of s, cut between characters.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < 4 {
		return ""
	}
	cut := n - len("…")
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// sendTemplate posts message/template/send with wechat.templates.case_update.
func (b *Bot) sendTemplate(ctx context.Context, m notify.Message, last *time.Time) (string, error) {
	tpl, ok := b.templates[TemplateCaseUpdate]
	if !ok {
		when := "never"
		if last != nil {
			when = last.Format(time.RFC3339)
		}
		return "", &notify.PermanentError{Err: fmt.Errorf("wechat: the owner is outside WeChat's 48-hour customer-service window "+
			"(last interaction: %s) and no template message is configured (wechat.templates.%s); "+
			"the conversation resumes when the owner writes again", when, TemplateCaseUpdate)}
	}
	var choices strings.Builder
	for i, c := range m.Payload.Choices {
		if i > 0 {
			choices.WriteString(" ")
		}
		fmt.Fprintf(&choices, "%d. %s", i+1, c.Label)
	}
	data := map[string]any{"Text": m.Payload.Text, "Choices": choices.String(), "Serial": m.CaseSerial,
		"Time": b.now().In(chinaTime).Format("2006-01-02 15:04")}
	msg := &message.TemplateMessage{ToUser: m.ChatID, TemplateID: tpl.id, URL: tpl.url,
		Data: map[string]*message.TemplateDataItem{}}
	if m.ID != 0 {
		// WeChat drops a second template message with the same id: a retry
		// of a row whose answer was lost does not notify the owner twice.
		msg.ClientMsgID = "heed-outbox-" + strconv.FormatInt(m.ID, 10)
	}
	for name, t := range tpl.fields {
		var v strings.Builder
		if err := t.Execute(&v, data); err != nil {
			return "", &notify.PermanentError{Err: fmt.Errorf("wechat.templates.%s.fields.%s: %w", TemplateCaseUpdate, name, err)}
		}
		msg.Data[name] = &message.TemplateDataItem{Value: v.String()}
	}
	var res struct {
		MsgID int64 `json:"msgid"`
	}
	if _, err := b.call(ctx, "message/template/send", nil, msg, &res); err != nil {
		return "", err
	}
	return "tpl:" + strconv.FormatInt(res.MsgID, 10), nil
}

var chinaTime = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// classify maps WeChat's answer to the outbox's retry rules.
func (b *Bot) classify(ctx context.Context, openID string, err error) error {
	switch errCode(err) {
	case 0:
		return err // network, timeout, a 5xx: try again later
	case errRequireSubscribe:
		if uerr := b.unsubscribed(ctx, openID); uerr != nil {
			b.log.Warn("wechat follower", "err", uerr)
		}
		return &notify.PermanentError{Err: fmt.Errorf("%w (%v)", ErrUnsubscribed, err)}
	case errDailyQuota:
		return &notify.RetryAfterError{Wait: time.Hour, Err: err}
	case errMinuteQuota:
		return &notify.RetryAfterError{Wait: time.Minute, Err: err}
	case errSystemBusy, errInvalidCredential, errTokenExpired, errInvalidToken:
		return err
	case errNotWhitelisted, errInvalidAppID, errInvalidSecret, errSecretFrozen:
		// No access token: the account's settings, not the message, are wrong.
		// Retried with backoff while the operator fixes them.
		return err
	case errOutOfWindow, errOutOfCount:
		return &notify.PermanentError{Err: fmt.Errorf("wechat: outside the 48-hour customer-service window and the template message was refused too: %w", err)}
	default: // 40003 invalid openid, 40037 template id, 43019 blocked, 48001 not allowed, 47001 data format…
		return &notify.PermanentError{Err: err}
	}
}

// errMassQuota: the account's monthly mass-send quota is used up.
const errMassQuota = 45028

// sendToTag mass-sends a bulletin to the followers tagged with a community
// (an Official Account cannot post into WeChat groups). WeChat counts mass
// sends against a strict monthly quota: when it is used up the row goes to
// the dead letters saying so, and the specialists can send it next month.
func (b *Bot) sendToTag(ctx context.Context, m notify.Message) (string, error) {
	tag, err := strconv.ParseInt(m.ChatID, 10, 64)
	if err != nil || tag <= 0 {
		return "", &notify.PermanentError{Err: fmt.Errorf("wechat: %q is not a tag id", m.ChatID)}
	}
	body := map[string]any{
		"filter":      map[string]any{"is_to_all": false, "tag_id": tag},
		"text":        map[string]any{"content": clipBytes(m.Payload.Text, maxTextBytes)},
		"msgtype":     "text",
		"clientmsgid": fmt.Sprintf("heed-outbox-%d", m.ID), // WeChat drops a retried duplicate
	}
	var out struct {
		MsgID int64 `json:"msg_id"`
	}
	_, err = b.call(ctx, "message/mass/sendall", nil, body, &out)
	switch code := errCode(err); {
	case err == nil:
		return strconv.FormatInt(out.MsgID, 10), nil
	case code == errMassQuota:
		return "", &notify.PermanentError{Err: fmt.Errorf("wechat: the monthly mass-send quota is used up (45028): %w", err)}
	case code != 0:
		return "", &notify.PermanentError{Err: err}
	}
	return "", err
}
