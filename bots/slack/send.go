package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackutilsx"

	"github.com/heedhq/heed/notify"
)

// Block Kit limits (docs.slack.dev/reference/block-kit): past them Slack
// answers invalid_blocks, which no retry fixes, so texts are clipped here.
const (
	maxBlocks        = 50   // per message
	maxSectionText   = 3000 // section text
	maxField         = 2000 // one section field
	maxFields        = 10   // fields per section
	maxHeader        = 150  // header text
	maxButtonText    = 75   // button label, option text
	maxActions       = 25   // elements per actions block
	maxContextText   = 2000 // one context element
	maxFallback      = 3000 // the plain-text `text` of a message with blocks
	maxHistoryLines  = 10   // newest lines of a card's history shown
	maxBodySections  = 10   // a long complaint is clipped after this many sections
	maxOptions       = 100  // options of a static_select
	maxModalTitle    = 24
	maxInputText     = 3000 // plain_text_input max_length
	maxPrivateMeta   = 3000
	ellipsis         = "…"
	fallbackNoChoice = "（请在 Slack 中查看）"
)

// Send delivers one outbox row (notify.Sender) and returns the message's ts.
func (b *Bot) Send(ctx context.Context, m notify.Message) (string, error) {
	if m.ChatID == "" {
		return "", &notify.PermanentError{Err: errors.New("slack: no channel")}
	}
	p := m.Payload
	switch m.Kind {
	case notify.KindAnswerCallback:
		return "", nil // Slack buttons have no spinner to stop
	case notify.KindEditChoice:
		if p.MessageID == "" {
			return "", &notify.PermanentError{Err: errors.New("slack: edit without a message ts")}
		}
		_, _, _, err := b.api.UpdateMessageContext(ctx, m.ChatID, p.MessageID,
			slackapi.MsgOptionText(fallback(p.Text), true), slackapi.MsgOptionBlocks(textSections("text", p.Text, maxBlocks)...))
		return p.MessageID, classify(err)
	case notify.KindCard:
		if p.Card == nil {
			return "", &notify.PermanentError{Err: errors.New("slack: card row without a card")}
		}
		opts := []slackapi.MsgOption{slackapi.MsgOptionText(fallback(cardText(p.Card)), true),
			slackapi.MsgOptionBlocks(cardBlocks(p.Card)...)}
		if p.MessageID != "" {
			_, _, _, err := b.api.UpdateMessageContext(ctx, m.ChatID, p.MessageID, opts...)
			return p.MessageID, classify(err)
		}
		_, ts, err := b.api.PostMessageContext(ctx, m.ChatID, opts...)
		return ts, classify(err)
	case notify.KindPrivate:
		if p.UserID == "" {
			return "", &notify.PermanentError{Err: errors.New("slack: private message without a user")}
		}
		ts, err := b.api.PostEphemeralContext(ctx, m.ChatID, p.UserID, slackapi.MsgOptionText(clip(p.Text, maxFallback), true))
		return ts, classify(err)
	case notify.KindMessage, "":
		_, ts, err := b.api.PostMessageContext(ctx, m.ChatID,
			slackapi.MsgOptionText(fallback(p.Text), true), slackapi.MsgOptionBlocks(ownerBlocks(p.Text, p.Choices)...))
		return ts, classify(err)
	}
	return "", &notify.PermanentError{Err: fmt.Errorf("slack: cannot send a %q row", m.Kind)}
}

// ownerBlocks is an owner's message: its text, then one button per choice.
// Choices come back as action "owner:<data>:<i>" with value <data>; the index
// keeps action ids unique in the block, which Slack requires.
func ownerBlocks(text string, choices []notify.Choice) []slackapi.Block {
	reserve := (len(choices) + maxActions - 1) / maxActions
	blocks := textSections("text", text, maxBlocks-reserve)
	var row []slackapi.BlockElement
	flush := func() {
		if len(row) > 0 {
			blocks = append(blocks, slackapi.NewActionBlock("choices"+strconv.Itoa(len(blocks)), row...))
			row = nil
		}
	}
	for i, c := range choices {
		id := clip(ownerPrefix+c.Data+":"+strconv.Itoa(i), 255)
		row = append(row, slackapi.NewButtonBlockElement(id, c.Data, plain(clip(c.Label, maxButtonText))))
		if len(row) == maxActions {
			flush()
		}
	}
	flush()
	return blocks
}

// cardBlocks renders a card: the title as a header, its fields two columns
// wide, the body, a context line with the status and recent history, and
// the buttons still pressable here. Texts written by owners go out as
// plain_text or escaped mrkdwn, so "<!channel>" in a complaint pings no one.
func cardBlocks(c *notify.Card) []slackapi.Block {
	var blocks []slackapi.Block
	if c.Title != "" {
		blocks = append(blocks, slackapi.NewHeaderBlock(plain(clip(c.Title, maxHeader)), slackapi.HeaderBlockOptionBlockID("title")))
	}
	for i := 0; i < len(c.Fields); i += maxFields {
		var fields []*slackapi.TextBlockObject
		for _, f := range c.Fields[i:min(i+maxFields, len(c.Fields))] {
			text := "*" + esc(f.Label) + "*\n" + esc(f.Value)
			if f.Value == "" {
				text += "—"
			}
			fields = append(fields, mrkdwn(clip(text, maxField)))
		}
		blocks = append(blocks, slackapi.NewSectionBlock(nil, fields, nil, slackapi.SectionBlockOptionBlockID("fields"+strconv.Itoa(i/maxFields))))
	}
	if c.Body != "" {
		blocks = append(blocks, textSections("body", c.Body, maxBodySections)...)
	}
	var ctxEls []slackapi.MixedElement
	if c.Status != "" {
		ctxEls = append(ctxEls, mrkdwn(clip("*"+esc(c.Status)+"*", maxContextText)))
	}
	if h := c.History; len(h) > 0 {
		if len(h) > maxHistoryLines {
			h = h[len(h)-maxHistoryLines:]
		}
		ctxEls = append(ctxEls, mrkdwn(clipStart(esc(strings.Join(h, "\n")), maxContextText)))
	}
	if len(ctxEls) > 0 {
		blocks = append(blocks, slackapi.NewContextBlock("status", ctxEls...))
	}
	var row []slackapi.BlockElement
	seen := map[string]bool{}
	n := 0
	flush := func() {
		if len(row) > 0 {
			blocks = append(blocks, slackapi.NewActionBlock("actions"+strconv.Itoa(n), row...))
			row, n = nil, n+1
		}
	}
	for _, btn := range c.Buttons {
		if btn.Data == "" || seen[btn.Data] { // Slack rejects a message with duplicate action ids
			continue
		}
		seen[btn.Data] = true
		el := slackapi.NewButtonBlockElement(btn.Data, btn.Data, plain(clip(btn.Label, maxButtonText)))
		switch btn.Style {
		case "primary":
			el = el.WithStyle(slackapi.StylePrimary)
		case "danger":
			el = el.WithStyle(slackapi.StyleDanger)
		}
		row = append(row, el)
		if len(row) == maxActions {
			flush()
		}
	}
	flush()
	if len(blocks) > maxBlocks {
		blocks = blocks[:maxBlocks]
	}
	return blocks
}

// cardText is a card's plain-text fallback: notifications, screen readers,
// clients without Block Kit.
func cardText(c *notify.Card) string {
	var b strings.Builder
	b.WriteString(c.Title)
	for _, f := range c.Fields {
		fmt.Fprintf(&b, "\n%s：%s", f.Label, f.Value)
	}
	if c.Status != "" {
		b.WriteString("\n" + c.Status)
	}
	if c.Body != "" {
		b.WriteString("\n" + c.Body)
	}
	return b.String()
}

// textSections splits a long text into plain_text sections of at most
// Slack's 3000 characters, breaking at a line end where one is near.
func textSections(idPrefix, text string, maxSections int) []slackapi.Block {
	maxSections = max(maxSections, 1)
	rest := []rune(text)
	if len(rest) == 0 {
		rest = []rune(" ")
	}
	var blocks []slackapi.Block
	for len(rest) > 0 {
		last := len(blocks) == maxSections-1
		cut := min(len(rest), maxSectionText)
		if cut < len(rest) {
			if last {
				cut = maxSectionText - 1 // room for the ellipsis
			} else if nl := lastIndex(rest[:cut], '\n'); nl > maxSectionText/2 {
				cut = nl + 1
			}
		}
		part := string(rest[:cut])
		rest = rest[cut:]
		if last && len(rest) > 0 {
			part, rest = part+ellipsis, nil
		}
		blocks = append(blocks, slackapi.NewSectionBlock(plain(part), nil, nil,
			slackapi.SectionBlockOptionBlockID(idPrefix+strconv.Itoa(len(blocks)))))
	}
	return blocks
}

func lastIndex(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

func plain(s string) *slackapi.TextBlockObject {
	if strings.TrimSpace(s) == "" {
		s = " " // Slack rejects empty text objects
	}
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, false)
}

// esc escapes &, < and > for mrkdwn (mentions and links need them).
func esc(s string) string { return slackutilsx.EscapeMessage(s) }

// unesc reverses esc for text Slack hands back (a message's `text`).
func unesc(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func fallback(s string) string {
	if strings.TrimSpace(s) == "" {
		return fallbackNoChoice
	}
	return clip(s, maxFallback)
}

// clip keeps at most n characters, marking a cut with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + ellipsis
}

// clipStart keeps the last n characters: the newest lines of a history.
func clipStart(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return ellipsis + string(r[len(r)-n+1:])
}

// permanent are Slack error codes no retry can fix: the row goes to the
// dead letters at once instead of trying eight times.
var permanent = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true,
	"invalid_auth": true, "account_inactive": true, "token_revoked": true, "not_authed": true,
	"message_not_found": true, "cant_update_message": true, "edit_window_closed": true,
	"user_not_found": true, "user_not_in_channel": true, "missing_scope": true,
	"invalid_blocks": true, "invalid_blocks_format": true, "msg_too_long": true, "no_text": true,
	"restricted_action": true,
}

// classify maps the library's errors to the outbox's retry rules.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var limited *slackapi.RateLimitedError
	if errors.As(err, &limited) {
		return &notify.RetryAfterError{Wait: max(limited.RetryAfter, time.Second), Err: err}
	}
	var status slackapi.StatusCodeError
	if errors.As(err, &status) && status.Code == 429 { // 429 without a Retry-After header
		return &notify.RetryAfterError{Wait: 30 * time.Second, Err: err}
	}
	var api slackapi.SlackErrorResponse
	if errors.As(err, &api) && permanent[api.Err] {
		return &notify.PermanentError{Err: err}
	}
	return err
}
