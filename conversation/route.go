package conversation

import (
	"slices"
	"strconv"
	"strings"

	"github.com/heedhq/heed/conversation/understand"
)

// Routing: each owner message goes to what it answers — a button of a
// case or a survey, an open question's words, a command — or to the step
// the conversation is at (the draft flow, draft.go).

// otherCategory is the category button that asks for the whole list.
const otherCategory = "?"

// Steps of a conversation.
const (
	stepIdle            = "idle"
	stepDescribe        = "describe"         // a photo came first: asking for words
	stepCategory        = "category"         // confirm or pick the category
	stepLocationConfirm = "location_confirm" // same address as last time?
	stepCommunity       = "community"
	stepUnit            = "unit"
	stepContactConfirm  = "contact_confirm"
	stepContact         = "contact"
	stepPhotos          = "photos"
	stepConfirm         = "confirm" // the read-back (seed 003 §5.2.3)
	stepMore            = "more"    // adding to the description from the read-back
	stepSupplementPick  = "supplement_pick"
	stepSupplement      = "supplement"
	stepLanguage        = "language"
	stepFeedbackReason  = "feedback_reason" // why the answer did not solve it
	stepRevisitSuggest  = "revisit_suggest" // the questionnaire's free text
	stepAddress         = "address"         // no configured community fits: the owner's own address
	stepPurpose         = "purpose"         // 投诉目的、要求 and the reply time asked for (skippable)
)

// commands owners may type at any point, matched on the simplified,
// lower-cased text.
var commands = map[string]string{
	"查询": "status", "查询进度": "status", "进度": "status", "status": "status", "/status": "status",
	"补充": "add", "补充资料": "add", "add": "add", "/add": "add",
	"取消": "cancel", "cancel": "cancel", "/cancel": "cancel",
	"人工": "human", "人工客服": "human", "转人工": "human", "客服": "human", "human": "human", "agent": "human", "/human": "human",
	"帮助": "help", "help": "help", "/help": "help", "?": "help", "？": "help",
	"语言": "language", "language": "language", "/language": "language",
	"/start": "welcome", "你好": "welcome", "您好": "welcome", "hi": "welcome", "hello": "welcome",
	"退订": "optout", "stop": "optout", "unsubscribe": "optout", "/stop": "optout",
	"订阅": "optin", "subscribe": "optin", "/subscribe": "optin",
	"english": "lang:en", "繁体中文": "lang:zh-TW", "繁体": "lang:zh-TW", "简体中文": "lang:zh-CN", "简体": "lang:zh-CN",
}

var (
	yesWords  = []string{"是", "对", "正确", "确认", "确认提交", "好", "yes", "y", "ok", "correct", "submit"}
	doneWords = []string{"完成", "好了", "没有了", "跳过", "没有", "无", "done", "skip", "no", "none"}
)

func (t *turn) norm(s string) string {
	return strings.ToLower(strings.TrimSpace(understand.ToSimplified(s)))
}

func (t *turn) step() error {
	in := &t.in
	text := strings.TrimSpace(in.Text)
	// "2" answers the second choice where the channel has no buttons.
	if in.Kind == KindText && len(t.st.Choices) > 0 {
		if n, err := strconv.Atoi(text); err == nil && n >= 1 && n <= len(t.st.Choices) {
			in.Kind, in.Button = KindButton, t.st.Choices[n-1].Data
		}
	}
	button := ""
	if in.Kind == KindButton {
		button = in.Button
	}
	// Answers to "problem solved?" and to revisit questions carry their case.
	kind, parts, _ := ParseData(button)
	switch {
	case kind == DataFeedback:
		return t.feedback(parts)
	case kind == DataRevisit:
		return t.revisitAnswer(parts)
	case kind == DataSurvey:
		return t.surveyButton(parts)
	case t.st.Survey != nil && t.st.Survey.Asking && t.st.Survey.Text && t.idle() && in.Kind == KindText && text != "" &&
		commands[t.norm(text)] == "":
		return t.surveyText(in.Text)
	case t.st.Step == stepRevisitSuggest && (button == "skip" || in.Kind == KindText && text != ""):
		if button == "skip" || t.isWord(text, doneWords) {
			return t.finishRevisit("")
		}
		return t.finishRevisit(in.Text)
	case t.st.Step == stepFeedbackReason && in.Kind == KindText && text != "" && commands[t.norm(text)] == "":
		return t.feedbackReason(in.Text)
	}
	cmd := commands[t.norm(text)]
	switch {
	case kind == DataCommand:
		cmd = parts[0]
	case strings.HasPrefix(button, "lang:"):
		cmd = button
	}
	if cmd == "welcome" && t.st.Step != "" && t.st.Step != stepIdle {
		cmd = "" // "你好" in the middle of an intake is just text
	}
	if cmd != "" && in.Kind != KindPhoto {
		return t.command(cmd)
	}
	if in.Kind == KindText && t.smallTalkMidway(text) {
		return nil
	}
	if in.Kind == KindSticker || in.Kind == KindOther {
		t.say("unreadable", nil, t.st.Choices...)
		return nil
	}
	d := &t.st.Draft
	switch t.st.Step {
	case stepLocationConfirm, stepContactConfirm, stepContact:
		if err := t.loadProfile(); err != nil {
			return err
		}
	}
	switch t.st.Step {
	case "", stepIdle:
		return t.startIntake()
	case stepDescribe:
		return t.startIntake()
	case stepDanger:
		return t.dangerAnswer(button, text)
	case stepCategory:
		switch {
		case kind == DataCategory && parts[0] != otherCategory:
			if _, ok := t.e.cfg.Category(parts[0]); ok {
				if err := t.ownerPicked(parts[0]); err != nil {
					return err
				}
				d.Category = parts[0]
				t.confirm("category")
				return t.next()
			}
		case kind == DataCategory:
			t.askCategories()
			return nil
		case in.Kind == KindPhoto:
			t.attach()
			t.askCategory()
			return nil
		case text != "":
			if id := t.categoryNamed(text); id != "" {
				if err := t.ownerPicked(id); err != nil {
					return err
				}
				d.Category = id
				t.confirm("category")
				return t.next()
			}
			// More description: understand it again and ask again.
			d.Content += "\n" + in.Text
			t.understandDraft(d.Content)
			t.askCategory()
			return nil
		}
		t.say("choose_again", nil, t.st.Choices...)
		return nil
	case stepLocationConfirm:
		switch {
		case button == "yes" || t.isWord(text, yesWords):
			d.Community, d.Unit = t.prof.Community, t.prof.Unit
			t.confirm("location")
			return t.next()
		case button == "edit":
			return t.askCommunity()
		case text != "":
			t.fillFrom(text)
			if d.Community == "" {
				return t.askCommunity()
			}
			return t.next()
		}
		t.say("choose_again", nil, t.st.Choices...)
		return nil
	case stepCommunity:
		if button == "comm:?" {
			t.st.Step = stepAddress
			t.say("ask_address", nil)
			return nil
		}
		if id, ok := strings.CutPrefix(button, "comm:"); ok {
			if _, found := t.e.cfg.Community(id); found {
				d.Community = id
				return t.next()
			}
		}
		if text != "" {
			t.fillFrom(text)
			if d.Community != "" {
				return t.next()
			}
		}
		t.say("ask_community", nil, t.st.Choices...)
		return nil
	case stepPurpose:
		// What the owner asks for, and by when: a pressed reply time, or
		// words that may name one ("修好为止，12月10日前答复").
		switch {
		case button == "skip" || t.isWord(text, doneWords):
		case strings.HasPrefix(button, "by:"):
			if by, ok := t.replyBy(button, ""); ok {
				d.ReplyBy = &by
			}
		case text != "":
			d.Purpose = clip(in.Text, 500)
			if by, ok := t.replyBy("", text); ok {
				d.ReplyBy = &by
			}
		default:
			t.say("ask_purpose", nil, t.st.Choices...)
			return nil
		}
		d.PurposeAsked = true
		return t.next()
	case stepUnit, stepAddress:
		if text == "" {
			t.say("ask_"+t.st.Step, nil)
			return nil
		}
		if t.st.Step == stepAddress {
			d.Address = clip(text, 200)
		} else {
			t.answerUnit(text)
		}
		t.confirm("location")
		return t.next()
	case stepContactConfirm:
		switch {
		case button == "yes" || t.isWord(text, yesWords):
			d.Name, d.Phone = t.prof.Name, t.prof.Phone
			t.confirm("contact")
			return t.next()
		case button == "edit":
			t.st.Step = stepContact
			t.say("ask_contact", nil, t.btn("skip", "skip"))
			return nil
		case text != "":
			t.st.Step = stepContact
			return t.takeContact(text)
		}
		t.say("choose_again", nil, t.st.Choices...)
		return nil
	case stepContact:
		if button == "skip" || t.isWord(text, doneWords) {
			d.PhoneAsked = true
			if d.Name == "" {
				d.Name = t.prof.Name
			}
			t.confirm("contact")
			return t.next()
		}
		return t.takeContact(text)
	case stepPhotos:
		switch {
		case in.Kind == KindPhoto:
			t.attach()
			t.say("photo_received", map[string]any{"N": len(d.Attachments)}, t.btn("done", "done"))
			return nil
		case button == "done" || button == "skip" || t.isWord(text, doneWords):
			d.PhotosAsked = true
			return t.next()
		case text != "":
			d.Content += "\n" + in.Text
			d.PhotosAsked = true
			return t.next()
		}
		t.say("ask_photos", nil, t.st.Choices...)
		return nil
	case stepConfirm:
		switch {
		case button == "confirm" || t.isWord(text, yesWords):
			return t.create()
		case button == "edit_category":
			d.Confirmed["category"] = false
			t.askCategories()
			return nil
		case button == "edit_location":
			d.Community, d.Unit, d.Address = "", "", ""
			return t.askCommunity()
		case button == "edit_contact":
			t.st.Step = stepContact
			t.say("ask_contact", nil, t.btn("skip", "skip"))
			return nil
		case button == "edit_content":
			t.st.Step = stepMore
			t.say("describe", nil)
			return nil
		case button == "edit_wishes":
			d.Purpose, d.ReplyBy, d.PurposeAsked = "", nil, false
			return t.next()
		case in.Kind == KindPhoto:
			t.attach()
			return t.readback()
		case text != "":
			d.Content += "\n" + in.Text
			return t.readback()
		}
		return t.readback()
	case stepMore:
		if in.Kind == KindPhoto {
			t.attach() // with its caption
		} else if text != "" {
			d.Content += "\n" + in.Text
		}
		return t.readback()
	case stepSupplementPick:
		if serial, ok := strings.CutPrefix(button, "case:"); ok {
			t.st.Serial = serial
			t.st.Step = stepSupplement
			t.say("supplement_ask", map[string]any{"Serial": serial}, t.btn("done", "done"))
			return nil
		}
		t.say("choose_again", nil, t.st.Choices...)
		return nil
	case stepSupplement:
		if button == "done" || t.isWord(text, doneWords) {
			t.reset()
			t.say("supplement_done", nil)
			return nil
		}
		return t.supplement()
	case stepLanguage:
		t.reset()
		return t.startIntake()
	}
	t.reset()
	return t.startIntake()
}

func (t *turn) isWord(text string, words []string) bool {
	return text != "" && slices.Contains(words, t.norm(text))
}
