package conversation

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation/understand"
)

// Steps of a conversation.
// otherCategory is the category button that asks for the whole list.
const otherCategory = "?"

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

func (t *turn) confirm(what string) {
	if t.st.Draft.Confirmed == nil {
		t.st.Draft.Confirmed = map[string]bool{}
	}
	t.st.Draft.Confirmed[what] = true
}

func (t *turn) reset() {
	t.st.Step, t.st.Draft, t.st.Serial, t.st.Choices, t.st.Revisit = stepIdle, draft{}, "", nil, nil
	if t.st.Survey != nil {
		t.st.Survey.Asking = false
	}
}

// attach keeps the message's photos with the complaint, and their caption
// with its description: words written under a photo are the owner's too.
func (t *turn) attach() {
	d := &t.st.Draft
	d.Attachments = append(d.Attachments, t.in.Attachments...)
	if caption := strings.TrimSpace(t.in.Text); caption != "" && t.in.Kind == KindPhoto && d.Content != "" {
		d.Content += "\n" + t.in.Text
	}
}

// understandDraft proposes category and urgency from the description, and
// takes community, unit and phone when the owner already wrote them.
func (t *turn) understandDraft(text string) understand.Analysis {
	a := t.e.und().Analyze(text)
	d := &t.st.Draft
	d.Category = a.Category
	t.understood(a)
	if d.Urgency != string(cases.UrgencyEmergency) {
		d.Urgency = a.Urgency
	}
	t.fillFromAnalysis(text, a)
	return a
}

// fillFrom takes whatever community, unit or phone the text names.
func (t *turn) fillFrom(text string) { t.fillFromAnalysis(text, t.e.und().Analyze(text)) }

func (t *turn) fillFromAnalysis(text string, a understand.Analysis) {
	d := &t.st.Draft
	if a.Community != "" {
		d.Community = a.Community
	} else if id := t.communityNamed(text); id != "" {
		d.Community = id
	}
	t.takeUnit(a)
	if a.Phone != "" {
		if p, ok := cases.NormalizePhone(a.Phone); ok {
			d.Phone = p
		}
	}
}

func (t *turn) startIntake() error {
	in := t.in
	text := strings.TrimSpace(in.Text)
	d := &t.st.Draft
	// Photos, and a voice note WeChat transcribed (text with its recording),
	// are original material of the complaint.
	if len(in.Attachments) > 0 {
		t.attach()
	}
	if text == "" {
		if in.Kind == KindPhoto {
			t.st.Step = stepDescribe
			t.say("describe", nil)
			return nil
		}
		if t.st.Step == "" || t.st.Step == stepIdle {
			t.say("empty", nil)
		} else {
			t.say("describe", nil)
		}
		return nil
	}
	d.Content = in.Text
	a := t.understandDraft(text)
	if len(d.Attachments) == 0 {
		if done, err := t.answerNonComplaint(a); done || err != nil {
			return err
		}
	}
	switch {
	case a.Emergency:
		if err := t.declareEmergency(); err != nil {
			return err
		}
	case a.EmergencyCheck:
		t.askDanger()
		return nil
	}
	t.askCategory()
	return nil
}

func (t *turn) categoryName(id string) string {
	c, ok := t.e.cfg.Category(id)
	if !ok {
		return id
	}
	if t.lang == "en" {
		return c.Name + " (" + c.ID + ")"
	}
	return c.Name
}

func (t *turn) categoryNamed(text string) string {
	n := t.norm(text)
	for _, c := range t.e.cfg.Categories {
		if n == c.ID || n == strings.ToLower(c.Name) {
			return c.ID
		}
	}
	return ""
}

func (t *turn) communityNamed(text string) string {
	n := t.norm(text)
	for _, c := range t.e.cfg.Communities {
		if n == c.ID || n == c.Name || slices.Contains(c.Aliases, n) {
			return c.ID
		}
	}
	return ""
}

func (t *turn) communityName(id string) string {
	if c, ok := t.e.cfg.Community(id); ok {
		return c.Name
	}
	return id
}

func (t *turn) askCategory() {
	d := &t.st.Draft
	t.st.Step = stepCategory
	if d.Unsure && len(d.Alternatives) > 1 {
		t.say("choose_likely", map[string]any{"Category": t.categoryName(d.Category), "Urgent": cases.Urgency(d.Urgency).Urgent()}, t.likelyChoices()...)
		return
	}
	t.say("confirm_category", map[string]any{"Category": t.categoryName(d.Category), "Urgent": cases.Urgency(d.Urgency).Urgent()},
		Choice{Label: "✔ " + t.categoryName(d.Category), Data: Data(DataCategory, d.Category)},
		t.btn("other_category", Data(DataCategory, otherCategory)), t.btn("cancel", Data(DataCommand, "cancel")))
}

func (t *turn) askCategories() {
	t.st.Step = stepCategory
	var cs []Choice
	for _, c := range t.e.cfg.Categories {
		cs = append(cs, Choice{Label: t.categoryName(c.ID), Data: Data(DataCategory, c.ID)})
	}
	t.say("choose_category", nil, cs...)
}

func (t *turn) askCommunity() error {
	t.st.Step = stepCommunity
	var cs []Choice
	for _, c := range t.e.cfg.Communities {
		cs = append(cs, Choice{Label: c.Name, Data: "comm:" + c.ID})
	}
	cs = append(cs, t.btn("other_address", "comm:?"))
	t.say("ask_community", nil, cs...)
	return nil
}

// next asks for whatever the complaint still lacks, in the order of the
// record, skipping what the owner already told us.
func (t *turn) next() error {
	if err := t.loadProfile(); err != nil {
		return err
	}
	d := &t.st.Draft
	if d.Confirmed == nil {
		d.Confirmed = map[string]bool{}
	}
	switch {
	case !d.Confirmed["location"]:
		switch {
		case d.Community == "" && d.Unit == "" && d.Address == "" && t.prof.Community != "":
			t.st.Step = stepLocationConfirm
			t.say("confirm_location", map[string]any{"Community": t.communityName(t.prof.Community), "Unit": t.prof.Unit},
				t.btn("yes", "yes"), t.btn("edit", "edit"))
			return nil
		case d.Community == "" && d.Address == "":
			return t.askCommunity()
		case d.Unit == "" && d.Address == "":
			t.st.Step = stepUnit
			t.say("ask_unit", nil)
			return nil
		}
		t.confirm("location")
		return t.next()
	case !d.Confirmed["contact"]:
		switch {
		case d.Name == "" && d.Phone == "" && t.prof.Phone != "":
			t.st.Step = stepContactConfirm
			t.say("confirm_contact", map[string]any{"Name": t.prof.Name, "Phone": t.prof.Phone},
				t.btn("yes", "yes"), t.btn("edit", "edit"))
			return nil
		case (d.Name == "" || d.Phone == "") && !d.PhoneAsked:
			t.st.Step = stepContact
			t.say("ask_contact", nil, t.btn("skip", "skip"))
			return nil
		}
		t.confirm("contact")
		return t.next()
	case !d.PurposeAsked && d.Urgency != string(cases.UrgencyEmergency):
		t.st.Step = stepPurpose
		t.say("ask_purpose", nil, t.btn("today", "by:0"), t.btn("in3days", "by:3"), t.btn("in7days", "by:7"), t.btn("skip", "skip"))
		return nil
	case !d.PhotosAsked:
		t.st.Step = stepPhotos
		if len(d.Attachments) > 0 {
			t.say("photo_received", map[string]any{"N": len(d.Attachments)}, t.btn("done", "done"))
		} else {
			t.say("ask_photos", nil, t.btn("done", "done"), t.btn("skip", "skip"))
		}
		return nil
	}
	return t.readback()
}

// takeContact reads "王女士 13812345678" in any order.
func (t *turn) takeContact(text string) error {
	d := &t.st.Draft
	phone, found, valid := contactPhone(text)
	name := text
	if found {
		name = strings.NewReplacer("+86", "", "(", "", ")", "", "（", "", "）", "").Replace(removeDigitsRun(text))
	}
	name = strings.TrimFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	if name != "" && !strings.ContainsFunc(name, unicode.IsDigit) {
		d.Name = clip(name, 40)
	}
	if (found || strings.ContainsFunc(text, unicode.IsDigit)) && !valid {
		t.say("bad_phone", nil, t.btn("skip", "skip"))
		return nil
	}
	if valid {
		d.Phone = phone
	}
	if d.Phone == "" {
		if d.Name != "" {
			t.say("ask_phone", map[string]any{"Name": d.Name}, t.btn("skip", "skip")) // the name is taken: only the phone is missing
			return nil
		}
		t.say("ask_contact", nil, t.btn("skip", "skip"))
		return nil
	}
	t.confirm("contact")
	return t.next()
}

// removeDigitsRun drops the phone-like part (digits, spaces, dashes, +) so
// what is left is the name.
func removeDigitsRun(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) || r == '+' || r == '-' {
			return -1
		}
		return r
	}, s)
}

func (t *turn) readback() error {
	d := &t.st.Draft
	t.st.Step = stepConfirm
	or := func(s string) string {
		if s == "" {
			return t.t("not_given")
		}
		return s
	}
	t.say("readback", map[string]any{
		"Content": d.Content, "Category": t.categoryName(d.Category), "Urgent": cases.Urgency(d.Urgency).Urgent(),
		"Community": or(t.communityName(d.Community)), "Unit": or(d.Unit), "Name": or(d.Name), "Phone": or(d.Phone),
		"Photos": len(d.Attachments), "Address": d.Address, "Purpose": or(d.Purpose), "ReplyBy": or(t.day(d.ReplyBy)),
	}, t.btn("confirm", "confirm"), t.btn("edit_category", "edit_category"), t.btn("edit_location", "edit_location"),
		t.btn("edit_contact", "edit_contact"), t.btn("edit_wishes", "edit_wishes"), t.btn("edit_content", "edit_content"), t.btn("cancel", Data(DataCommand, "cancel")))
	return nil
}

func (t *turn) owner() cases.Actor {
	return cases.Actor{Kind: cases.ActorOwner, ID: t.in.OwnerRef(), Channel: t.in.Channel}
}

// create registers the complaint and tells the owner its serial, what
// happens next and by when — the procedure's steps, never an outcome.
func (t *turn) create() error {
	d := t.st.Draft
	n := cases.NewCase{
		Channel: t.in.Channel, OwnerRef: t.in.OwnerRef(), CustomerName: d.Name, ContactPhone: d.Phone,
		Community: d.Community, Unit: d.Unit, Address: d.Address, Content: d.Content, Category: d.Category,
		Purpose: d.Purpose, RequestedReplyBy: d.ReplyBy,
		Urgency: cases.Urgency(d.Urgency), Language: t.lang, Attachments: d.Attachments,
	}
	if d.Alert != nil {
		n.ReceivedAt = &d.Alert.At // staff were told then: the clock runs from then
	}
	t.majorSignals(&n)
	c, err := t.e.svc.CreateTx(t.ctx, t.tx, t.now, t.owner(), n)
	if cases.ErrorCode(err) == cases.CodeInvalid {
		t.st.Step = stepMore
		t.st.Draft.Content = ""
		t.say("content_too_long", nil)
		return nil
	}
	if err != nil {
		return err
	}
	if err := t.saveProfile(); err != nil {
		return err
	}
	if err := t.closeEmergency(c); err != nil {
		return err
	}
	dept := ""
	if cat, ok := t.e.cfg.Category(c.Category); ok {
		if dp, ok := t.e.cfg.Department(cat.Department); ok {
			dept = dp.Name
		}
	}
	data := map[string]any{"Serial": c.Serial, "Department": dept, "DispatchDue": "", "ReplyDue": ""}
	for _, dl := range c.Deadlines {
		switch dl.Step {
		case cases.StepDispatch:
			data["DispatchDue"] = t.when(dl.Due)
		case cases.StepReply:
			data["ReplyDue"] = t.when(dl.Due)
		}
	}
	t.serial = c.Serial
	t.reset()
	key := "registered"
	if c.Status == cases.StatusDispatched {
		key = "registered_dispatched" // auto-dispatch sent it already
	}
	t.say(key, data, t.btn("status", Data(DataCommand, "status")))
	return nil
}

func (t *turn) when(at interface{ Format(string) string }) string {
	return at.Format(t.t("time_format"))
}

func parseLocal(s string, loc *time.Location) (time.Time, error) {
	return time.ParseInLocation("2006-01-02T15:04", s, loc)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// command runs an owner's command.
func (t *turn) command(cmd string) error {
	switch cmd {
	case "status":
		return t.status()
	case "add":
		return t.startSupplement()
	case "cancel":
		if t.idle() && t.st.Survey != nil && t.st.Survey.Asking {
			return t.leaveSurvey()
		}
		if t.st.Step == "" || t.st.Step == stepIdle {
			t.say("nothing_to_cancel", nil)
			return nil
		}
		if err := t.closeEmergency(nil); err != nil {
			return err
		}
		t.reset()
		t.say("cancelled", nil)
		return nil
	case "human":
		return t.requestPerson()
	case "help":
		t.say("help", t.company())
		return nil
	case "optout", "optin":
		if err := t.optOut(cmd == "optout"); err != nil {
			return err
		}
		if cmd == "optout" {
			if err := t.leaveSurveys(); err != nil { // no further survey questions either
				return err
			}
		}
		t.say(cmd+".done", nil)
		return nil
	case "welcome":
		t.say("welcome", t.company())
		return nil
	case "language":
		t.say("choose_language", nil, Choice{Label: t.t("lang.zh-CN"), Data: "lang:zh-CN"},
			Choice{Label: t.t("lang.zh-TW"), Data: "lang:zh-TW"}, Choice{Label: t.t("lang.en"), Data: "lang:en"})
		return nil
	}
	if l, ok := strings.CutPrefix(cmd, "lang:"); ok && slices.Contains(Languages, l) {
		t.lang = l
		t.say("language_set", nil)
		return nil
	}
	return fmt.Errorf("conversation: unknown command %q", cmd)
}

func (t *turn) company() map[string]any {
	return map[string]any{"Company": t.e.cfg.Company.Name, "Hotline": t.e.cfg.Company.Hotline}
}

type ownerCase struct {
	Serial   string  `db:"serial"`
	Category string  `db:"category"`
	Status   string  `db:"status"`
	Next     *string `db:"next"`
}

func (t *turn) ownerCases(openOnly bool) ([]ownerCase, error) {
	var cs []ownerCase
	err := t.tx.SelectContext(t.ctx, &cs, `
		SELECT c.serial, c.category, c.status,
		  (SELECT to_char(min(d.due_at) AT TIME ZONE $3, 'YYYY-MM-DD"T"HH24:MI') FROM case_deadlines d
		   WHERE d.case_id = c.id AND d.met_at IS NULL AND d.superseded_at IS NULL AND d.step <> 'major') AS next
		FROM cases c WHERE c.owner_ref = $1
		  AND ($2 = false OR c.status NOT IN ('invalid', 'closed', 'archived'))
		ORDER BY c.received_at DESC LIMIT 10`, t.in.OwnerRef(), openOnly, t.e.svc.Calendar().Location().String())
	return cs, err
}

func (t *turn) status() error {
	cs, err := t.ownerCases(false)
	if err != nil {
		return err
	}
	if len(cs) == 0 && !t.drafting() {
		t.say("no_cases", nil)
		return nil
	}
	var lines []string
	if len(cs) > 0 {
		lines = append(lines, t.t("status_header"))
	}
	for _, c := range cs {
		next := ""
		if c.Next != nil && cases.Status(c.Status).Open() {
			if at, err := parseLocal(*c.Next, t.e.svc.Calendar().Location()); err == nil {
				next = t.when(at)
			}
		}
		lines = append(lines, t.e.cat.text(t.lang, "status_line", map[string]any{
			"Serial": c.Serial, "Category": t.categoryName(c.Category), "Status": t.t("status." + c.Status), "Next": next}))
	}
	var open []Choice
	if t.drafting() { // the question stays open: its choices still count, shown again
		lines = append(lines, t.draftLine())
		open = t.st.Choices
	}
	t.replies = append(t.replies, Outbound{Channel: t.in.Channel, ChatID: t.in.ChatID, Text: strings.Join(lines, "\n"), Choices: open})
	return nil
}

func (t *turn) startSupplement() error {
	cs, err := t.ownerCases(true)
	if err != nil {
		return err
	}
	switch len(cs) {
	case 0:
		t.say("no_open_cases", nil)
		return nil
	case 1:
		t.reset()
		t.st.Serial, t.st.Step = cs[0].Serial, stepSupplement
		t.say("supplement_ask", map[string]any{"Serial": cs[0].Serial}, t.btn("done", "done"))
		return nil
	}
	t.reset()
	t.st.Step = stepSupplementPick
	var choices []Choice
	for _, c := range cs {
		choices = append(choices, Choice{Label: c.Serial + " " + t.categoryName(c.Category), Data: "case:" + c.Serial})
	}
	t.say("supplement_which", nil, choices...)
	return nil
}

func (t *turn) supplement() error {
	tr := cases.Transition{Action: cases.ActAddInfo, Text: t.in.Text, Attachments: t.in.Attachments}
	if strings.TrimSpace(tr.Text) == "" && len(tr.Attachments) == 0 {
		t.say("supplement_ask", map[string]any{"Serial": t.st.Serial}, t.btn("done", "done"))
		return nil
	}
	_, err := t.e.svc.ApplyTx(t.ctx, t.tx, t.now, t.owner(), t.st.Serial, tr)
	if cases.ErrorCode(err) == cases.CodeInvalid || cases.ErrorCode(err) == cases.CodeConflict || cases.ErrorCode(err) == cases.CodeForbidden {
		t.reset()
		t.say("no_open_cases", nil)
		return nil
	}
	if err != nil {
		return err
	}
	t.serial = t.st.Serial
	t.say("supplement_saved", map[string]any{"Serial": t.st.Serial}, t.btn("done", "done"))
	return nil
}

// optOut records 退订 (or 订阅 with false).
func (t *turn) optOut(out bool) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO owner_profiles (owner_ref, language, opted_out, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (owner_ref) DO UPDATE SET opted_out = EXCLUDED.opted_out, updated_at = EXCLUDED.updated_at`,
		t.in.OwnerRef(), t.lang, out, t.now)
	return err
}
