package conversation

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
)

// Kinds of owner alerts.
const (
	AlertPerson    = "person"    // the owner asked for a person (人工, WeChat's 联系客服)
	AlertEmergency = "emergency" // the owner described an emergency: staff act before the intake ends
	AlertInquiry   = "inquiry"   // the owner asked a question (咨询): a specialist answers it
)

// OwnerAlert is something an owner needs staff for at once, case or no
// case: a request for a person, or an emergency still being described. It
// becomes a card in the specialists' chat — an emergency also in its
// category's department — edited in place (same Key) as more is known.
type OwnerAlert struct {
	Key        string // names the card: the same key edits the card already posted
	Kind       string // AlertPerson, AlertEmergency or AlertInquiry
	Serial     string // the case, once there is one
	Channel    cases.Channel
	Name       string
	Phone      string // the full number; the card shows it masked
	Community  string // id or name
	Unit       string
	Address    string
	Category   string // id
	Department string // id: an emergency's department, told too
	Text       string // the complaint so far
	LastWords  []string
	Status     string // where it stands ("填写中", "已登记 …", "业主已取消")
	// CaseStatus is the status of the case the owner asks about, which the
	// card names before Status, in the staff's words ("" for none).
	CaseStatus cases.Status
	Since      time.Time
}

// Alerter posts what an owner needs staff for at once as a card in team
// chat, inside the turn's transaction (the desk, package notify/desk). It reports whether
// any chat gets it.
type Alerter interface {
	Alert(ctx context.Context, tx *sqlx.Tx, now time.Time, a OwnerAlert) (bool, error)
}

// SetAlerts connects the engine to team chat; without it 人工 and
// emergencies reach no one, and the owner is told to call instead.
func (e *Engine) SetAlerts(a Alerter) { e.alerts = a }

// draftAlert is an emergency staff were told of while its intake goes on.
// At is when the company heard of it: the case's clock starts there, not
// when the owner has answered every question.
type draftAlert struct {
	Key  string    `json:"key"`
	At   time.Time `json:"at"`
	Dept string    `json:"dept,omitempty"` // the department told with the specialists
	Seen string    `json:"seen,omitempty"` // what the card shows now
}

// Where an emergency's card says the intake stands.
const (
	alertFilling   = "业主正在补充信息（小区、房号、联系方式），尚未提交登记"
	alertCancelled = "业主取消了填写，投诉未登记：请尽快联系业主"
)

func (t *turn) alert(a OwnerAlert) (bool, error) {
	if t.e.alerts == nil {
		return false, nil
	}
	a.Channel = t.in.Channel
	return t.e.alerts.Alert(t.ctx, t.tx, t.now, a)
}

// lastWords are the owner's last few messages before this one.
func (t *turn) lastWords(n int) ([]string, error) {
	lines := []string{}
	err := t.tx.SelectContext(t.ctx, &lines, stmt.LastWords, t.in.Channel, t.in.ChatID, n)
	return lines, err
}

// requestPerson is 人工 (and WeChat's 联系客服): the specialists get a card
// with who asks, where, about what — the open case, the unfinished
// complaint, or nothing yet — and the owner's last words; the owner's
// latest open case records the request.
func (t *turn) requestPerson() error {
	if err := t.loadProfile(); err != nil {
		return err
	}
	cs, err := t.ownerCases(true)
	if err != nil {
		return err
	}
	p := t.prof
	a := OwnerAlert{Key: "person:" + t.in.OwnerRef() + ":" + t.in.MessageID, Kind: AlertPerson, Since: t.now,
		Name: p.Name, Phone: p.Phone, Community: p.Community, Unit: p.Unit, Status: "业主要求客服专员联系"}
	if a.LastWords, err = t.lastWords(3); err != nil {
		return err
	}
	d := t.st.Draft
	switch {
	case !t.idle() && d.Content != "":
		a.Text, a.Category, a.Status = d.Content, d.Category, "业主填写投诉途中要求人工，投诉尚未提交"
		a.Name, a.Phone = orElse(d.Name, a.Name), orElse(d.Phone, a.Phone)
		a.Community, a.Unit = orElse(d.Community, a.Community), orElse(d.Unit, a.Unit)
	case len(cs) > 0:
		if _, err := t.e.svc.ApplyTx(t.ctx, t.tx, t.now, t.owner(), cs[0].Serial, cases.Transition{Action: cases.ActRequestPerson}); err != nil &&
			cases.ErrorCode(err) != cases.CodeConflict {
			return err
		}
		t.serial = cs[0].Serial
		c, err := t.e.svc.CaseIn(t.ctx, t.tx, cs[0].Serial)
		if err != nil {
			return err
		}
		a.Serial, a.Text, a.Category = c.Serial, c.Content, c.Category
		a.Name, a.Phone, a.Community, a.Unit, a.Address = c.CustomerName, c.ContactPhone, c.Community, c.Unit, c.Address
		a.CaseStatus = c.Status
	}
	told, err := t.alert(a)
	if err != nil {
		return err
	}
	// The question still open stays answerable; a survey's is asked again
	// after this answer (surveyResume), not offered twice.
	var keep []Choice
	for _, c := range t.st.Choices {
		if kind, _, _ := ParseData(c.Data); kind != DataSurvey {
			keep = append(keep, c)
		}
	}
	key := "person_requested"
	if !told {
		key = "person_unavailable"
	}
	t.say(key, t.company(), keep...)
	return nil
}

func orElse(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// startEmergency tells the specialists and the category's department the
// moment an owner describes an emergency, with what is known so far.
// declareEmergency makes the draft an emergency: the staff are told at
// once and the owner gets the emergency numbers (and who was told).
func (t *turn) declareEmergency() error {
	d := &t.st.Draft
	d.Urgency = string(cases.UrgencyEmergency)
	told, err := t.startEmergency()
	if err != nil {
		return err
	}
	t.say("emergency", map[string]any{"Numbers": t.e.cfg.Company.Emergency, "Told": told, "Department": t.e.deptName(d.Alert.Dept)})
	return nil
}

func (t *turn) startEmergency() (bool, error) {
	d := &t.st.Draft
	dept := ""
	if cat, ok := t.e.cfg.Category(d.Category); ok {
		dept = cat.Department
	}
	d.Alert = &draftAlert{Key: "emergency:" + t.in.OwnerRef() + ":" + t.in.MessageID, At: t.now, Dept: dept}
	a := t.emergencyAlert("", alertFilling)
	d.Alert.Seen = fingerprint(a)
	return t.alert(a)
}

func (t *turn) emergencyAlert(serial, status string) OwnerAlert {
	d := t.st.Draft
	return OwnerAlert{Key: d.Alert.Key, Kind: AlertEmergency, Serial: serial, Since: d.Alert.At,
		Name: d.Name, Phone: d.Phone, Community: d.Community, Unit: d.Unit, Address: d.Address, Category: d.Category,
		Department: d.Alert.Dept, Text: d.Content, Status: status}
}

// fingerprint is what an emergency's card shows that the intake can change.
func fingerprint(a OwnerAlert) string {
	return strings.Join([]string{a.Name, a.Phone, a.Community, a.Unit, a.Address, a.Category, a.Text}, "\n")
}

// followEmergency edits the emergency's card when the intake has learned
// something since (the community, the unit, the phone…).
func (t *turn) followEmergency() error {
	d := &t.st.Draft
	if d.Alert == nil || t.idle() {
		return nil
	}
	a := t.emergencyAlert("", alertFilling)
	if f := fingerprint(a); f != d.Alert.Seen {
		d.Alert.Seen = f
		_, err := t.alert(a)
		return err
	}
	return nil
}

// closeEmergency gives the emergency's card its end: the case registered
// (and where it went), or the intake abandoned.
func (t *turn) closeEmergency(c *cases.Case) error {
	d := t.st.Draft
	if d.Alert == nil {
		return nil
	}
	if c == nil {
		_, err := t.alert(t.emergencyAlert("", alertCancelled))
		return err
	}
	status := "已登记为 " + c.Serial
	if c.Department != "" {
		status += "，已派单给" + t.e.deptName(c.Department)
	}
	_, err := t.alert(t.emergencyAlert(c.Serial, status))
	return err
}

// emergencyStall is how long an emergency's intake may wait for the owner
// before heed registers it with what it has: staff then see the case (and
// the owner's full number) in the desk, and its clock and escalations run.
const emergencyStall = 10 * time.Minute

// SweepEmergencies registers the emergencies whose owners stopped
// answering: the case gets the owner's words so far and its clock from the
// moment staff were told; the owner is told its serial. Once even with
// several heed serve (the conversations are taken with SKIP LOCKED).
func (e *Engine) SweepEmergencies(ctx context.Context) error {
	return e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var stalled []struct {
			Channel  cases.Channel `db:"channel"`
			UserID   string        `db:"user_id"`
			ChatID   string        `db:"chat_id"`
			Data     []byte        `db:"data"`
			Language string        `db:"language"`
		}
		if err := tx.SelectContext(ctx, &stalled, stmt.StalledEmergencies, now.Add(-emergencyStall)); err != nil {
			return err
		}
		for _, s := range stalled {
			t := &turn{e: e, ctx: ctx, tx: tx, now: now, lang: s.Language, st: &state{},
				in: Inbound{Channel: s.Channel, ChatID: s.ChatID, UserID: s.UserID, Kind: KindText}}
			if err := json.Unmarshal(s.Data, t.st); err != nil || t.st.Draft.Alert == nil || t.st.Draft.Content == "" {
				continue
			}
			if t.st.Draft.Category == "" {
				t.st.Draft.Category = "other"
			}
			t.say("emergency_registered", nil)
			if err := t.create(); err != nil {
				return err
			}
			if err := t.saveAnswers(); err != nil {
				return err
			}
		}
		return nil
	})
}

// saveAnswers stores the conversation and heed's answers when heed speaks
// first (no owner message to record).
func (t *turn) saveAnswers() error {
	data, err := json.Marshal(t.st)
	if err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, stmt.SaveState, t.in.Channel, t.in.UserID, t.st.Step, string(data), t.now); err != nil {
		return err
	}
	for _, o := range t.replies {
		ch, _ := json.Marshal(o.Choices)
		if o.Choices == nil {
			ch = []byte("[]")
		}
		if _, err := t.tx.ExecContext(t.ctx, stmt.HeedLine, t.in.Channel, t.in.ChatID, o.Text, string(ch), t.now); err != nil {
			return err
		}
	}
	return t.e.enqueue(t.ctx, t.tx, t.now, nil, t.replies, t.serial)
}
