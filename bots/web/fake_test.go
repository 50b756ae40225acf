package web

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// fakeEngine stands in for conversation.Engine: it dedupes on MessageID,
// keeps a transcript per chat and answers with a script.
type fakeEngine struct {
	mu       sync.Mutex
	calls    []conversation.Inbound // every Handle, duplicates and failures included
	seen     map[string]bool
	lines    map[string][]conversation.Line
	steps    map[string]int
	nextID   int64
	script   func(e *fakeEngine, in conversation.Inbound) []conversation.Outbound
	failNext int // the next Handle calls that fail, as a database outage would
}

func newFakeEngine(script func(e *fakeEngine, in conversation.Inbound) []conversation.Outbound) *fakeEngine {
	if script == nil {
		script = echo
	}
	return &fakeEngine{seen: map[string]bool{}, lines: map[string][]conversation.Line{}, steps: map[string]int{}, script: script}
}

var errEngineDown = errors.New("engine: database is down")

func (e *fakeEngine) Handle(ctx context.Context, in conversation.Inbound) (conversation.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, in)
	if e.failNext > 0 {
		e.failNext--
		return conversation.Result{}, errEngineDown
	}
	if e.seen[in.MessageID] {
		return conversation.Result{Duplicate: true}, nil
	}
	e.seen[in.MessageID] = true
	text := in.Text
	switch in.Kind {
	case conversation.KindButton:
		text = e.label(in.ChatID, in.Button)
	case conversation.KindPhoto:
		text = "[照片]"
		if in.Text != "" {
			text += " " + in.Text
		}
	}
	e.add(in.ChatID, "owner", text, nil, in.At)
	replies := e.script(e, in)
	for i := range replies {
		replies[i].Channel, replies[i].ChatID = cases.ChannelWeb, in.ChatID
		e.add(in.ChatID, "heed", replies[i].Text, replies[i].Choices, in.At)
	}
	return conversation.Result{Replies: replies}, nil
}

func (e *fakeEngine) Transcript(ctx context.Context, channel cases.Channel, chatID string, after int64) ([]conversation.Line, error) {
	if channel != cases.ChannelWeb {
		return nil, errors.New("not the web channel: " + string(channel))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []conversation.Line
	for _, l := range e.lines[chatID] {
		if l.ID > after {
			out = append(out, l)
		}
	}
	return out, nil
}

func (e *fakeEngine) add(chat, from, text string, choices []conversation.Choice, at time.Time) {
	e.nextID++
	e.lines[chat] = append(e.lines[chat], conversation.Line{ID: e.nextID, From: from, Text: text, Choices: choices, At: at})
}

// label is what the owner pressed, as the chat shows it: the choice's label.
func (e *fakeEngine) label(chat, data string) string {
	lines := e.lines[chat]
	for i := len(lines) - 1; i >= 0; i-- {
		for _, c := range lines[i].Choices {
			if c.Data == data {
				return c.Label
			}
		}
	}
	return data
}

func (e *fakeEngine) Calls() []conversation.Inbound {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]conversation.Inbound(nil), e.calls...)
}

func (e *fakeEngine) setFailNext(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failNext = n
}

// echo answers every message with one line, and a button with two choices.
func echo(e *fakeEngine, in conversation.Inbound) []conversation.Outbound {
	if in.Kind == conversation.KindButton {
		return []conversation.Outbound{{Text: "您选择了 " + in.Button}}
	}
	return []conversation.Outbound{{Text: "收到，请问是哪一类问题？", Choices: []conversation.Choice{
		{Label: "设施维修", Data: "cat:repair"}, {Label: "环境卫生", Data: "cat:sanitation"}}}}
}

// intake mimics the engine's short intake: category, photo, read-back, case.
func intake(e *fakeEngine, in conversation.Inbound) []conversation.Outbound {
	step := e.steps[in.ChatID]
	out := func(text string, choices ...conversation.Choice) []conversation.Outbound {
		return []conversation.Outbound{{Text: text, Choices: choices}}
	}
	switch {
	case step == 0 && in.Kind == conversation.KindText:
		e.steps[in.ChatID] = 1
		return out("您好，已收到您的反映。\n请确认问题类别：",
			conversation.Choice{Label: "设施维修", Data: "cat:repair"}, conversation.Choice{Label: "环境卫生", Data: "cat:sanitation"})
	case step == 1 && in.Kind == conversation.KindButton:
		e.steps[in.ChatID] = 2
		return out("好的。请拍一张现场照片发给我们，没有照片可以跳过。", conversation.Choice{Label: "跳过", Data: "photo:skip"})
	case step == 2 && (in.Kind == conversation.KindPhoto || in.Button == "photo:skip"):
		e.steps[in.ChatID] = 3
		photos := "0"
		if in.Kind == conversation.KindPhoto {
			photos = strconv.Itoa(len(in.Attachments))
		}
		return out("请核对：\n类别：设施维修\n照片："+photos+" 张\n确认登记吗？",
			conversation.Choice{Label: "确认", Data: "confirm"}, conversation.Choice{Label: "修改", Data: "edit"})
	case step == 3 && in.Button == "confirm":
		e.steps[in.ChatID] = 4
		return out("已登记，编号 TS-2026-000001。\n我们会在 24 小时内联系您。")
	default:
		return out("收到：" + in.Text)
	}
}
