package main

// The staff side of the acceptance walks (accept_desk_test.go), driven on
// either platform: what is the same on both — finding, waiting for and
// counting a case's cards, finding a button on them — is written once in
// staffDesk; what differs — how a button is pressed, a form filled, a
// person told — is each platform's (tgDesk, slDesk).

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/slack"
	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
)

// staffDesk is the staff side as the walks see it, on the platform it
// embeds.
type staffDesk struct{ platformDesk }

// platformDesk is what one platform shows the staff and how they act on it.
type platformDesk interface {
	platform() string
	// cards are the posts and edits of the case's cards in chat, oldest
	// first.
	cards(chat teamChat, serial string) []card
	// sent are the texts of the new messages (not edits) in chat.
	sent(chat teamChat) []string
	// hasButton says whether c offers p a button labelled label.
	hasButton(c card, p person, label string) bool
	// pressOn presses that button as p.
	pressOn(t *testing.T, p person, chat teamChat, c card, label string)
	// asked waits for the form or prompt the last press opened and returns
	// the text it proposes ("" for none).
	asked(t *testing.T, chat teamChat) string
	// forms counts the forms and prompts opened so far.
	forms(chat teamChat) int
	// fill answers the form or prompt the last press opened.
	fill(t *testing.T, p person, chat teamChat, text string)
	// choose picks options by their labels on the form or prompt.
	choose(t *testing.T, p person, chat teamChat, labels ...string)
	// told waits until p was told something containing want, and returns it.
	told(t *testing.T, p person, want string) string
}

// card is one post or edit of a case's card: its text and the platform's
// call that carried it.
type card struct {
	text string
	call any // telegramfake.Call or slackfake.Call
}

// isCard says whether text is a card (【…】 first) of the case serial.
func isCard(text, serial string) bool {
	return strings.HasPrefix(text, "【") && strings.Contains(text, serial)
}

// newestCard waits, saying what it waits for, until a card of the case in
// chat is ok, and returns the newest that is.
func (d staffDesk) newestCard(t *testing.T, chat teamChat, serial, what string, ok func(card) bool) card {
	t.Helper()
	var found card
	waitFor(t, what, func() bool {
		cs := d.cards(chat, serial)
		for i := len(cs) - 1; i >= 0; i-- {
			if ok(cs[i]) {
				found = cs[i]
				return true
			}
		}
		return false
	})
	return found
}

// waitCard waits until the newest card of the case in chat says want,
// and returns its text.
func (d staffDesk) waitCard(t *testing.T, chat teamChat, serial, want string) string {
	t.Helper()
	return d.newestCard(t, chat, serial, "a card of "+serial+" saying "+want,
		func(c card) bool { return strings.Contains(c.text, want) }).text
}

// press presses, as p, the button labelled label on the newest card of the
// case in chat that has one.
func (d staffDesk) press(t *testing.T, p person, chat teamChat, serial, label string) {
	t.Helper()
	c := d.newestCard(t, chat, serial, "a "+label+" button on a card of "+serial,
		func(c card) bool { return d.hasButton(c, p, label) })
	d.pressOn(t, p, chat, c, label)
}

// posted counts the new messages (not edits) in chat containing all of want.
func (d staffDesk) posted(chat teamChat, want ...string) int {
	n := 0
	for _, text := range d.sent(chat) {
		if containsAll(text, want) {
			n++
		}
	}
	return n
}

func containsAll(s string, subs []string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// tgDesk is the staff side on Telegram: cards and prompts in groups,
// answers on the pressed button or in the group.
type tgDesk struct {
	h    *heed
	fake *telegramfake.Server
	mark int // prompts in the chat before the last press
}

func (s *tgDesk) platform() string { return "telegram" }

func (s *tgDesk) cards(chat teamChat, serial string) []card {
	var out []card
	for _, c := range s.fake.Calls("") {
		if (c.Method == "sendMessage" || c.Method == "editMessageText") && c.Params["chat_id"] == chat.tg && isCard(c.Params["text"], serial) {
			out = append(out, card{text: c.Params["text"], call: c})
		}
	}
	return out
}

func (s *tgDesk) sent(chat teamChat) []string {
	var out []string
	for _, c := range s.fake.Sent(chat.tg) {
		out = append(out, c.Params["text"])
	}
	return out
}

// buttonData is the callback data of the button labelled label on a
// message ("" none).
func buttonData(c telegramfake.Call, label string) string {
	for d, l := range buttons(c) {
		if l == label {
			return d
		}
	}
	return ""
}

func (s *tgDesk) hasButton(c card, _ person, label string) bool {
	return buttonData(c.call.(telegramfake.Call), label) != ""
}

func (s *tgDesk) pressOn(t *testing.T, p person, chat teamChat, c card, label string) {
	t.Helper()
	s.mark = len(s.prompts(chat))
	s.pressData(t, p, chat, buttonData(c.call.(telegramfake.Call), label))
}

func (s *tgDesk) pressData(t *testing.T, p person, chat teamChat, data string) {
	t.Helper()
	id, _ := json.Number(chat.tg).Int64()
	code := s.h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
		"id": fmt.Sprint("cb-", p.tg, "-", updateSeq.Add(1)), "from": map[string]any{"id": p.tg, "is_bot": false, "first_name": p.name},
		"chat_instance": "g", "data": data,
		"message": map[string]any{"message_id": 1, "date": 1764000000, "chat": map[string]any{"id": id, "type": "supergroup"}, "text": "…"}}})
	if code != 200 {
		t.Fatalf("press %s: %d", data, code)
	}
}

// prompts are the bot's messages in chat that ask for something.
func (s *tgDesk) prompts(chat teamChat) []telegramfake.Call {
	var out []telegramfake.Call
	for _, c := range s.fake.Sent(chat.tg) {
		if strings.Contains(c.Params["text"], "请回复本消息") || strings.Contains(c.Params["text"], "请选择") {
			out = append(out, c)
		}
	}
	return out
}

func (s *tgDesk) forms(chat teamChat) int { return len(s.prompts(chat)) }

// prompt waits for the prompt the last press posted.
func (s *tgDesk) prompt(t *testing.T, chat teamChat) telegramfake.Call {
	t.Helper()
	var p telegramfake.Call
	waitFor(t, "a prompt in "+chat.tg, func() bool {
		ps := s.prompts(chat)
		if len(ps) <= s.mark {
			return false
		}
		p = ps[len(ps)-1]
		return true
	})
	if strings.Contains(p.Params["text"], "[act:") {
		t.Fatalf("the prompt shows a marker: %q", p.Params["text"])
	}
	return p
}

func (s *tgDesk) asked(t *testing.T, chat teamChat) string {
	t.Helper()
	if _, proposal, ok := strings.Cut(s.prompt(t, chat).Params["text"], "：\n"); ok {
		return proposal
	}
	return ""
}

// fill answers the prompt with Telegram's reply to it.
func (s *tgDesk) fill(t *testing.T, p person, chat teamChat, text string) {
	t.Helper()
	prompt := s.prompt(t, chat)
	id, _ := json.Number(chat.tg).Int64()
	code := s.h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "message": map[string]any{
		"message_id": updateSeq.Add(1), "date": 1764000000, "text": text,
		"chat": map[string]any{"id": id, "type": "supergroup"}, "from": map[string]any{"id": p.tg, "is_bot": false, "first_name": p.name},
		"reply_to_message": map[string]any{"message_id": prompt.MessageID, "date": 1764000000, "text": prompt.Params["text"],
			"chat": map[string]any{"id": id, "type": "supergroup"}}}})
	if code != 200 {
		t.Fatalf("reply: %d", code)
	}
}

func (s *tgDesk) choose(t *testing.T, p person, chat teamChat, labels ...string) {
	t.Helper()
	for _, label := range labels {
		var data string
		waitFor(t, "a choice "+label, func() bool {
			ps := s.prompts(chat)
			if len(ps) <= s.mark {
				return false
			}
			data = buttonData(ps[len(ps)-1], label)
			return data != ""
		})
		s.pressData(t, p, chat, data)
	}
}

func (s *tgDesk) told(t *testing.T, p person, want string) string {
	t.Helper()
	var got string
	waitFor(t, p.name+" to be told "+want, func() bool {
		for _, c := range s.fake.Calls("answerCallbackQuery") {
			if strings.HasPrefix(c.Params["callback_query_id"], fmt.Sprint("cb-", p.tg, "-")) && strings.Contains(c.Params["text"], want) {
				got = c.Params["text"]
				return true
			}
		}
		for _, c := range s.fake.Calls("sendMessage") {
			if strings.HasPrefix(c.Params["chat_id"], "-") && !strings.HasPrefix(c.Params["text"], "【") && strings.Contains(c.Params["text"], want) {
				got = c.Params["text"]
				return true
			}
		}
		return false
	})
	return got
}

// slDesk is the staff side on Slack: cards in channels, forms as modals,
// answers ephemeral or in the modal.
type slDesk struct {
	h    *heed
	fake *slackfake.Server

	mu      sync.Mutex
	answers []string // what modal submissions were answered with
	opened  int      // views.open calls already used
}

func (s *slDesk) platform() string { return "slack" }

func (s *slDesk) cards(chat teamChat, serial string) []card {
	var out []card
	for _, c := range s.fake.Calls("") {
		if (c.Method == "chat.postMessage" || c.Method == "chat.update") && c.Params["channel"] == chat.slack && isCard(c.Params["text"], serial) {
			out = append(out, card{text: c.Params["text"], call: c})
		}
	}
	return out
}

func (s *slDesk) sent(chat teamChat) []string {
	var out []string
	for _, c := range s.fake.Posted(chat.slack) {
		out = append(out, c.Params["text"])
	}
	return out
}

func (s *slDesk) hasButton(c card, p person, label string) bool {
	_, err := slackfake.Press(c.call.(slackfake.Call), p.slack, label)
	return err == nil
}

func (s *slDesk) pressOn(t *testing.T, p person, _ teamChat, c card, label string) {
	t.Helper()
	s.mu.Lock()
	s.opened = len(s.fake.Calls("views.open"))
	s.mu.Unlock()
	pressSlack(t, s.h, s.fake, c.call.(slackfake.Call), p.slack, label)
}

func (s *slDesk) forms(teamChat) int { return len(s.fake.Calls("views.open")) }

// form is the modal the last press opened.
func (s *slDesk) form(t *testing.T) slackfake.Call {
	t.Helper()
	s.mu.Lock()
	n := s.opened
	s.mu.Unlock()
	return s.fake.WaitCalls(t, "views.open", n+1)[n]
}

func (s *slDesk) asked(t *testing.T, _ teamChat) string {
	t.Helper()
	var view struct {
		Blocks []struct {
			Element struct {
				InitialValue string `json:"initial_value"`
			} `json:"element"`
		} `json:"blocks"`
	}
	s.form(t).Decode("view", &view)
	for _, b := range view.Blocks {
		if b.Element.InitialValue != "" {
			return b.Element.InitialValue
		}
	}
	return ""
}

func (s *slDesk) submit(t *testing.T, p person, values map[string]slackfake.Value) {
	t.Helper()
	sub, err := slackfake.Submit(s.form(t), p.slack, values)
	if err != nil {
		t.Fatal(err)
	}
	req := slackfake.NewRequest(slackSecret, s.h.base+"/webhooks/slack/interactions", sub.Body(), time.Now())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("submission: %d %s", res.StatusCode, body)
	}
	var ans struct {
		Errors map[string]string
		View   struct {
			Blocks []struct{ Text struct{ Text string } }
		}
	}
	json.Unmarshal(body, &ans)
	s.mu.Lock()
	for _, e := range ans.Errors {
		s.answers = append(s.answers, e)
	}
	for _, b := range ans.View.Blocks { // the form replaced by what came of it
		s.answers = append(s.answers, b.Text.Text)
	}
	s.mu.Unlock()
}

func (s *slDesk) fill(t *testing.T, p person, _ teamChat, text string) {
	t.Helper()
	s.submit(t, p, map[string]slackfake.Value{slack.InputText: slackfake.Text(text)})
}

func (s *slDesk) choose(t *testing.T, p person, _ teamChat, labels ...string) {
	t.Helper()
	var view struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				Options []struct {
					Text  struct{ Text string } `json:"text"`
					Value string                `json:"value"`
				} `json:"options"`
			} `json:"element"`
		} `json:"blocks"`
	}
	s.form(t).Decode("view", &view)
	values := map[string]slackfake.Value{}
	for _, label := range labels {
	first: // the first input offering it (the dispatch form also offers assisting departments)
		for _, b := range view.Blocks {
			for _, o := range b.Element.Options {
				if o.Text.Text == label {
					values[b.BlockID] = slackfake.Option(o.Value)
					break first
				}
			}
		}
	}
	if len(values) != len(labels) {
		t.Fatalf("the form offers %v, not all of %v", view.Blocks, labels)
	}
	s.submit(t, p, values)
}

func (s *slDesk) told(t *testing.T, p person, want string) string {
	t.Helper()
	var got string
	waitFor(t, p.name+" to be told "+want, func() bool {
		for _, r := range s.fake.Responses() {
			if strings.HasPrefix(r.Path, "/response/press-"+p.slack+"-") && strings.Contains(r.Text(), want) {
				got = r.Text()
				return true
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, a := range s.answers {
			if strings.Contains(a, want) {
				got = a
				return true
			}
		}
		return false
	})
	return got
}
