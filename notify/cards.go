package notify

// Card is a message of fields and buttons that is edited in place, never
// posted twice: the same card (Serial and Kind) keeps one message per chat,
// and the worker edits it when a later row carries it again. The desk
// (package notify/desk) draws cases as cards; the senders draw cards on
// their platforms.
type Card struct {
	Kind    string   `json:"kind"`   // which of its serial's cards: the same Kind edits the same message
	Serial  string   `json:"serial"` // what it is about (a case's serial)
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
// the platform gives back when it is pressed (≤ 64 bytes, Telegram's
// limit).
type Button struct {
	Label string `json:"label"`
	Data  string `json:"data"`
	Style string `json:"style,omitempty"` // primary, danger, or ""
}

// KindCard posts a card, or edits the one already posted in that chat for
// the same case and card kind.
const KindCard = "card"

// KindPrivate is a message only one person sees (Slack: ephemeral;
// Telegram: a direct message). Payload.UserID names the person.
const KindPrivate = "private"
