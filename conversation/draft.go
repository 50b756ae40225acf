package conversation

import (
	"slices"
	"strings"
	"unicode"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation/understand"
)

// The draft flow: a complaint filled in question by question — what heed
// understood of the first message, then location, contact, wishes and
// photos as the record needs them, the read-back, and the case created.
// route.go sends each message here; ownercmd.go has the owner's commands.

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

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
