package desk

import "github.com/heedhq/heed/cases"

// StaffAction is a button press or a form submitted in team chat, or a
// request of the API or a console (ActAs), in surface-neutral terms.
type StaffAction struct {
	Platform      string // slack, telegram; "" off team chat (nothing is posted back to a chat)
	PlatformUser  string // the presser's platform id: Slack U…, Telegram user id (Act finds the Person by it)
	ChatID        string // where the card is
	InteractionID string // the surface's id of this request: the dedupe key ("" for none)
	Action        string // a desk action (Actions lists them): acknowledge, propose_measures, transfer, approve_reply, escalate…
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
	// Paths is what the side paths' forms fill in (paths.go).
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
	// Templates are the reply templates a text input offers, the best for
	// the case's category first (templates.go): a console inserts one to
	// edit, Slack's modal starts from the first when Value is empty,
	// Telegram's prompt lists them for a reply "#2".
	Templates []Template
}

// Option is one choice of an Input.
type Option struct{ Value, Label string }

// Outcome is what the presser is told privately, if anything.
type Outcome struct {
	Refused bool   // not allowed, or lost a race: nothing changed
	Message string // "已受理" / "此投诉已由 李建华 于 10:32 受理" / "您不是工程部的人员，不能操作此投诉"
	Field   string // the input a refusal is about (a NewCase field), for a form to show it there
	// Code is why an action was refused, as package cases classifies it:
	// forbidden (the person may not), conflict (someone else acted first,
	// or the case moved on), invalid (an input is missing or wrong),
	// not_found. A console answers a forbidden one as its refusal page.
	Code cases.Code
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
