package slack

import (
	"errors"
	"net/http"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
)

// What staff are told when heed could not take their press or form.
const (
	msgTryAgain     = "系统暂时无法处理，请稍后再试一次。"
	msgFormFailed   = "表单未能打开，请再按一次按钮。"
	msgNotHere      = "此操作不能在 Slack 中完成。"
	msgRefused      = "未执行：此操作现在不能进行。"
	msgFillIn       = "请填写内容。"
	msgChoose       = "请选择。"
	msgRecordFailed = "系统暂时无法登记，请稍后再提交。"
	msgStale        = "此按钮已失效，请使用最新消息中的按钮。"
)

// interactions is POST /webhooks/slack/interactions: button presses and
// modal submissions, each a form with one `payload` field of JSON.
func (b *Bot) interactions(w http.ResponseWriter, r *http.Request) {
	if _, ok := b.verified(w, r); !ok {
		return
	}
	ic, err := slackapi.InteractionCallbackParse(r)
	if err != nil {
		http.Error(w, "malformed interaction: a form with a payload field holding Slack's JSON is required", http.StatusBadRequest)
		return
	}
	switch ic.Type {
	case slackapi.InteractionTypeBlockActions:
		for _, a := range ic.ActionCallback.BlockActions {
			switch {
			case strings.HasPrefix(a.ActionID, ownerPrefix):
				b.ownerChoice(w, r, &ic, a)
				return
			case strings.HasPrefix(a.ActionID, actPrefix):
				b.cardAction(w, r, &ic, a)
				return
			}
		}
		if len(ic.ActionCallback.BlockActions) > 0 {
			// A button of no kind heed sends (an old message after an
			// upgrade): said privately, and a 200 — Slack shows any other
			// answer as a warning on the button.
			w.WriteHeader(http.StatusOK)
			b.privately(r.Context(), ic.ResponseURL, msgStale)
			return
		}
	case slackapi.InteractionTypeViewSubmission:
		switch ic.View.CallbackID {
		case CallbackAct:
			b.submitAct(w, r, &ic)
			return
		case CallbackRecord:
			b.submitRecord(w, r, &ic)
			return
		}
	}
	w.WriteHeader(http.StatusOK) // view_closed, a select's change, someone else's shortcut…
}

// pressID is the stable id of one press: the message and the moment of the
// press, the same however often Slack or the presser's client repeats it.
func pressID(ic *slackapi.InteractionCallback, a *slackapi.BlockAction) string {
	ts := ic.Container.MessageTs
	if ts == "" {
		ts = ic.Message.Timestamp
	}
	if ts != "" && a.ActionTs != "" {
		return "slack-action:" + ts + ":" + a.ActionTs
	}
	if ic.TriggerID != "" {
		return "slack-trigger:" + ic.TriggerID
	}
	return ""
}

// viewID is the stable id of one submission: a view's hash changes whenever
// the view does, so a double-clicked Submit is one submission.
func viewID(ic *slackapi.InteractionCallback) string {
	if ic.View.ID == "" {
		return ""
	}
	return "slack-view:" + ic.View.ID + ":" + ic.View.Hash
}

func channelOf(ic *slackapi.InteractionCallback) string {
	if ic.Channel.ID != "" {
		return ic.Channel.ID
	}
	return ic.Container.ChannelID
}

// ownerChoice hands an owner's press of a choice in the DM to the engine, and
// queues with its answers the edit that shows the choice under the question
// in place of the buttons.
func (b *Bot) ownerChoice(w http.ResponseWriter, r *http.Request, ic *slackapi.InteractionCallback, a *slackapi.BlockAction) {
	id, chat := pressID(ic, a), channelOf(ic)
	if id == "" || chat == "" || ic.User.ID == "" {
		http.Error(w, "malformed block_actions: user, channel and the pressed message are required", http.StatusBadRequest)
		return
	}
	in := conversation.Inbound{
		Channel: cases.ChannelSlack, ChatID: chat, UserID: ic.User.ID, MessageID: id,
		Kind: conversation.KindButton, Button: a.Value, At: time.Now(),
	}
	if ts := ic.Container.MessageTs; ts != "" {
		in.Also = []notify.Message{{Channel: string(cases.ChannelSlack), ChatID: chat, Kind: notify.KindEditChoice,
			Payload: notify.Payload{MessageID: ts, Text: questionText(ic) + "\n\n→ " + a.Text.Text}}}
	}
	if _, err := b.eng.Handle(r.Context(), in); err != nil {
		// Slack does not repeat a press: a non-2xx shows the owner a warning
		// on the button, and pressing again is safe.
		b.log.Error("slack owner press", "interaction", id, "err", err)
		http.Error(w, "could not record the press; press again", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// questionText is the text of the message whose choice was pressed, as
// heed sent it: its sections' plain text, else the escaped fallback.
func questionText(ic *slackapi.InteractionCallback) string {
	var b strings.Builder
	for _, bl := range ic.Message.Blocks.BlockSet {
		if s, ok := bl.(*slackapi.SectionBlock); ok && s.Text != nil && s.Text.Type == slackapi.PlainTextType {
			b.WriteString(s.Text.Text)
		}
	}
	if b.Len() > 0 {
		return b.String()
	}
	return unesc(ic.Message.Text)
}

// cardAction is a staff member's press of a card button. The desk decides
// everything (who may, whether it still applies); an action that needs a
// text, a department or a handler opens the desk's form first, at once,
// while the trigger_id lives — and only for someone who may take it.
func (b *Bot) cardAction(w http.ResponseWriter, r *http.Request, ic *slackapi.InteractionCallback, a *slackapi.BlockAction) {
	action, serial, _, ok := desk.ParseAct(a.ActionID)
	if !ok {
		w.WriteHeader(http.StatusOK)
		b.privately(r.Context(), ic.ResponseURL, msgStale)
		return
	}
	id, chat := pressID(ic, a), channelOf(ic)
	if id == "" || chat == "" || ic.User.ID == "" {
		http.Error(w, "malformed block_actions: user, channel and the pressed message are required", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	press := desk.StaffAction{Platform: Platform, PlatformUser: ic.User.ID, ChatID: chat, InteractionID: id, Action: action, Serial: serial}
	form, out, err := b.desk.Form(ctx, press)
	switch {
	case err != nil:
		w.WriteHeader(http.StatusOK)
		b.log.Error("slack card form", "interaction", id, "action", action, "serial", serial, "err", err)
		b.privately(ctx, ic.ResponseURL, msgTryAgain)
	case out.Refused:
		w.WriteHeader(http.StatusOK)
		b.privately(ctx, ic.ResponseURL, outcomeText(out))
	case form == nil:
		out, err := b.desk.Act(ctx, press)
		w.WriteHeader(http.StatusOK)
		if err != nil {
			b.log.Error("slack card action", "interaction", id, "action", action, "serial", serial, "err", err)
			b.privately(ctx, ic.ResponseURL, msgTryAgain)
			return
		}
		b.privately(ctx, ic.ResponseURL, outcomeText(out))
	default:
		view, ok := actModal(action, serial, chat, form)
		if !ok {
			w.WriteHeader(http.StatusOK)
			b.privately(ctx, ic.ResponseURL, msgNotHere)
			return
		}
		// Directly, not through the outbox: the trigger_id dies in 3 seconds,
		// and opening a form changes nothing of heed's.
		_, err := b.api.OpenViewContext(ctx, ic.TriggerID, view)
		w.WriteHeader(http.StatusOK)
		if err != nil {
			b.log.Warn("slack views.open", "interaction", id, "action", action, "err", err)
			b.privately(ctx, ic.ResponseURL, msgFormFailed)
		}
	}
}

// outcomeText is what the presser is told: the desk's words, or a plain
// refusal when it gave none.
func outcomeText(out desk.Outcome) string {
	if out.Message != "" {
		return out.Message
	}
	if out.Refused {
		return msgRefused
	}
	return ""
}

// submitAct applies a card action with the text or department its form
// asked for. A refusal keeps the form open with the reason under the input;
// success closes it (the card's edit shows what changed).
func (b *Bot) submitAct(w http.ResponseWriter, r *http.Request, ic *slackapi.InteractionCallback) {
	meta := ic.View.PrivateMetadata
	i, j := strings.Index(meta, ":"), strings.LastIndex(meta, ":")
	id := viewID(ic)
	if i <= 0 || j <= i+1 || j == len(meta)-1 || id == "" || ic.User.ID == "" {
		http.Error(w, `malformed view_submission: private_metadata "<action>:<serial>:<channel>", view id and user are required`, http.StatusBadRequest)
		return
	}
	a := desk.StaffAction{Platform: Platform, PlatformUser: ic.User.ID, ChatID: meta[j+1:],
		InteractionID: id, Action: meta[:i], Serial: meta[i+1 : j]}
	// The form's inputs: those of its blocks present in the submission; a
	// handler is the only optional one.
	block := ""
	for _, in := range []struct {
		id   string
		into *string
	}{{InputText, &a.Text}, {InputDepartment, &a.Department}, {InputHandler, &a.Handler}, {InputCategory, &a.Category}} {
		v, ok := stateValue(ic, in.id)
		if !ok {
			continue
		}
		if block == "" {
			block = in.id
		}
		*in.into = strings.TrimSpace(v.Value + v.SelectedOption.Value)
		if *in.into == "" && in.id != InputHandler {
			msg := msgFillIn
			if in.id != InputText {
				msg = msgChoose
			}
			formErrors(w, in.id, msg)
			return
		}
	}
	if bl := pathInputs(ic, &a.Paths); block == "" {
		block = bl
	}
	if block == "" {
		formErrors(w, InputText, msgFillIn)
		return
	}
	out, err := b.desk.Act(r.Context(), a)
	switch {
	case err != nil:
		b.log.Error("slack form action", "interaction", id, "action", a.Action, "serial", a.Serial, "err", err)
		formErrors(w, block, msgTryAgain)
	case out.Refused:
		formErrors(w, block, outcomeText(out))
	case out.Message != "":
		// What came of it, in place of the form.
		done := doneModal("已提交", out.Message)
		writeJSON(w, slackapi.NewUpdateViewSubmissionResponse(&done))
	default:
		w.WriteHeader(http.StatusOK) // an empty 200 closes the form
	}
}

// recordFields are the form's blocks by the NewCase field a validation
// error names.
var recordFields = map[string]string{
	"customer_name": InputName, "contact_phone": InputPhone, "community": InputCommunity,
	"unit": InputUnit, "content": InputContent, "category": InputCategory, "channel": InputChannel,
	"purpose": InputPurpose, "requested_reply_by": InputReplyBy,
}

// submitRecord registers a complaint from the /complaint form and shows its
// serial number in place of the form.
func (b *Bot) submitRecord(w http.ResponseWriter, r *http.Request, ic *slackapi.InteractionCallback) {
	id := viewID(ic)
	if id == "" || ic.User.ID == "" {
		http.Error(w, "malformed view_submission: view id and user are required", http.StatusBadRequest)
		return
	}
	n := cases.NewCase{
		Channel:      cases.Channel(selected(ic, InputChannel)),
		CustomerName: strings.TrimSpace(inputText(ic, InputName)),
		ContactPhone: strings.TrimSpace(inputText(ic, InputPhone)),
		Community:    selected(ic, InputCommunity),
		Unit:         strings.TrimSpace(inputText(ic, InputUnit)),
		Content:      strings.TrimSpace(inputText(ic, InputContent)),
		Category:     selected(ic, InputCategory),
		Purpose:      strings.TrimSpace(inputText(ic, InputPurpose)),
	}
	if by := strings.TrimSpace(inputText(ic, InputReplyBy)); by != "" {
		loc, err := b.cfg.Calendar.Location()
		if err != nil {
			loc = time.UTC // not reached: the configuration was validated
		}
		day, err := time.ParseInLocation("2006-01-02", by, loc)
		if err != nil {
			formErrors(w, InputReplyBy, "请写成日期，例如 2026-12-10")
			return
		}
		end := day.Add(24*time.Hour - time.Minute) // by the end of that day
		n.RequestedReplyBy = &end
	}
	switch {
	case n.Content == "":
		formErrors(w, InputContent, msgFillIn)
		return
	case !isStaffChannel(n.Channel):
		formErrors(w, InputChannel, msgChoose)
		return
	}
	out, err := b.rec.Record(r.Context(), Platform, ic.User.ID, id, n)
	if err != nil {
		var ce *cases.Error
		if errors.As(err, &ce) && ce.Code != cases.CodeInternal {
			formErrors(w, fieldBlock(ce.Field, ce.Message), ce.Message)
			return
		}
		b.log.Error("slack record", "interaction", id, "err", err)
		formErrors(w, InputContent, msgRecordFailed)
		return
	}
	if out.Refused {
		formErrors(w, fieldBlock(out.Field, out.Message), outcomeText(out))
		return
	}
	msg := out.Message
	if msg == "" {
		msg = "已登记。"
	}
	done := doneModal("已登记", msg)
	writeJSON(w, slackapi.NewUpdateViewSubmissionResponse(&done))
}

// fieldBlock finds the input an error is about: the field it names, or the
// "field: …" its message starts with; else the first input, where it is seen.
func fieldBlock(field, message string) string {
	if bl, ok := recordFields[field]; ok {
		return bl
	}
	if f, _, ok := strings.Cut(message, ":"); ok {
		if bl, ok := recordFields[strings.TrimSpace(f)]; ok {
			return bl
		}
	}
	return InputName
}

func isStaffChannel(c cases.Channel) bool {
	for _, s := range staffChannels {
		if s.Channel == c {
			return true
		}
	}
	return false
}

// formErrors keeps a modal open with message under one of its inputs.
func formErrors(w http.ResponseWriter, block, message string) {
	writeJSON(w, slackapi.NewErrorsViewSubmissionResponse(map[string]string{block: clip(message, 300)}))
}

// stateValue is the submitted value of input id (its block and action ids are equal).
func stateValue(ic *slackapi.InteractionCallback, id string) (slackapi.BlockAction, bool) {
	if ic.View.State == nil {
		return slackapi.BlockAction{}, false
	}
	v, ok := ic.View.State.Values[id][id]
	return v, ok
}

func inputText(ic *slackapi.InteractionCallback, id string) string {
	v, _ := stateValue(ic, id)
	return v.Value
}

func selected(ic *slackapi.InteractionCallback, id string) string {
	v, _ := stateValue(ic, id)
	return v.SelectedOption.Value
}
