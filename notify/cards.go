package notify

import "context"

// Card is a case as team chat shows it: the dispatch notice (派单) in a
// department's channel, the specialist's review card, the general manager's
// approval card, an escalation. The same case keeps one card per chat; when
// the case changes the card is edited in place, never posted again.
type Card struct {
	Kind    string   `json:"kind"`   // dispatch, specialist, general_manager, escalation, reminder
	Serial  string   `json:"serial"` // the case
	Title   string   `json:"title"`  // "【派单】TS-2026-000123 工程维修（紧急）"
	Fields  []Field  `json:"fields"` // label/value pairs: 小区, 房号, 业主 (masked phone), 收到, 时限…
	Body    string   `json:"body"`   // the complaint text or the measures
	Status  string   `json:"status"` // "已受理 · 李建华 11-25 10:32"
	History []string `json:"history,omitempty"`
	Buttons []Button `json:"buttons,omitempty"` // empty once nothing is left to press here
}

// Field is one labelled value of a card.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Button is an action a staff member can take from the card. Data is what
// the platform gives back when it is pressed (ActData; ≤ 64 bytes,
// Telegram's limit).
type Button struct {
	Label string `json:"label"`
	Data  string `json:"data"`
	Style string `json:"style,omitempty"` // primary, danger, or ""
}

// KindCard posts a card, or edits the one already posted in that chat for
// the same case and card kind.
const KindCard = "card"

// KindPrivate is a message only one staff member sees (Slack: ephemeral;
// Telegram: a direct message), e.g. "not allowed" or "already acknowledged
// by 李建华". Payload.UserID names the person.
const KindPrivate = "private"

// StaffAction is a button press or a form submitted in team chat, in
// channel-neutral terms.
type StaffAction struct {
	Platform      string // slack, telegram
	PlatformUser  string // the presser's platform id: Slack U…, Telegram user id
	ChatID        string // where the card is
	InteractionID string // the platform's id of this press: the dedupe key
	Action        string // a cases.Action name: acknowledge, propose_measures, transfer, judge_invalid, review, return_measures, approve, reply, escalate…
	Serial        string
	Text          string // measures, reason, reply, comment
	Department    string // transfer target
	Handler       string // named handler (staff id)
	Category      string // reclassify: the case's new category (id)
	// Choice is the option pressed on a prompt's button (Telegram): the
	// department, the handler, the category, or "asis" to take the proposed
	// text.
	Choice     string
	CallbackID string // Telegram: the callback query to answer with the outcome
	// Paths is what the side paths' forms fill in (deskpaths.go).
	Paths
}

// Form is what an action asks for before it can be applied: a Slack modal,
// a Telegram prompt.
type Form struct {
	Title  string
	Inputs []Input
}

// Input is one thing a form asks for.
type Input struct {
	Name     string // "text", "department", "handler" or "category": the StaffAction field it fills
	Label    string
	Value    string   // proposed text, to edit
	Options  []Option // the choices of a department or a handler
	Optional bool
	Multi    bool     // several options may be chosen (Values: those chosen now)
	Values   []string // the options chosen now, of a Multi input
}

// Option is one choice of an Input.
type Option struct{ Value, Label string }

// Outcome is what the presser is told privately, if anything.
type Outcome struct {
	Refused bool   // not allowed, or lost a race: nothing changed
	Message string // "已受理" / "此投诉已由 李建华 于 10:32 受理" / "您不是工程部的人员，不能操作此投诉"
	Field   string // the input a refusal is about (a NewCase field), for a form to show it there
}

// Desk is the staff side as the team-chat bots use it.
type Desk interface {
	// Act applies a staff action; the card edits and owner notices it causes
	// are queued in the same transaction. A repeated InteractionID does nothing.
	Act(ctx context.Context, a StaffAction) (Outcome, error)
	// Form is what the action asks for before it can be applied (nil: apply
	// it at once), or a refusal when the presser may not take it now — so
	// nobody fills in a form only to be refused.
	Form(ctx context.Context, a StaffAction) (*Form, Outcome, error)
}

// StaffCommand is a command a staff member typed in team chat (Slack slash
// command, Telegram group message): /revisit, /bulletin, /report.
type StaffCommand struct {
	Platform      string // slack, telegram
	PlatformUser  string // who typed it
	ChatID        string // where
	InteractionID string // the platform's id of this message: the dedupe key of what it creates
	Name          string // revisit, bulletin, report (without the slash)
	Args          string // the rest of the line, trimmed
}

// Commander answers staff commands. The answer is for the person who typed
// the command (Slack: ephemeral; Telegram: a reply in the group). An error
// means nothing was recorded and the platform may try again.
type Commander interface {
	Command(ctx context.Context, c StaffCommand) (string, error)
}
