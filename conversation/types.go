// Package conversation is the owner's side of heed: a channel-neutral dialogue
// engine that turns what an owner writes into a registered case. State per
// (channel, person) lives in PostgreSQL and is taken with a row lock in the
// same transaction that records the inbound message, so a restart or a second
// heed serve continues any conversation exactly where it was.
package conversation

import (
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify"
)

// Kind is what an inbound message carries.
type Kind string

const (
	KindText     Kind = "text"
	KindButton   Kind = "button" // a pressed choice; Button holds its data
	KindPhoto    Kind = "photo"  // Attachments hold the stored files; Text the caption
	KindFile     Kind = "file"
	KindLocation Kind = "location" // a shared place: Text holds its name or address, if any
	KindContact  Kind = "contact"  // a shared contact card: Text holds "name phone"
	KindEdited   Kind = "edited"   // an earlier message the owner changed: Text holds its new words
	KindBlocked  Kind = "blocked"  // the owner blocked heed: nothing reaches them any more
	KindSticker  Kind = "sticker"  // and other content heed cannot read
	KindOther    Kind = "other"
)

// Inbound is one message from an owner on any channel.
type Inbound struct {
	Channel cases.Channel
	// ChatID is where answers go (a Telegram chat, a web-chat session, a
	// WeChat OpenID); UserID is who wrote. In private chats they are equal.
	ChatID string
	UserID string
	// MessageID is the platform's id of this message, the dedupe key: the
	// same MessageID delivered again changes nothing and answers nothing.
	MessageID    string
	Name         string // display name the platform gives, if any
	Kind         Kind
	Text         string
	Button       string
	Attachments  []cases.Attachment
	LanguageHint string // e.g. Telegram's language_code
	At           time.Time
	// Also are platform chores queued with the answers in the same
	// transaction (Telegram: stop a button's spinner, show the choice made).
	Also []notify.Message
}

// OwnerRef is the owner's identity on the case: "telegram:12345".
func (in Inbound) OwnerRef() string { return string(in.Channel) + ":" + in.UserID }

// Choice is an answer offered with a question: a button where the channel
// has them, a numbered reply where it does not.
type Choice struct {
	Label string `json:"label"`
	Data  string `json:"data"` // ≤ 64 bytes (Telegram's callback_data limit)
}

// Outbound is one message heed sends to an owner.
type Outbound struct {
	Channel cases.Channel `json:"channel"`
	ChatID  string        `json:"chat_id"`
	Text    string        `json:"text"`
	Choices []Choice      `json:"choices,omitempty"`
}

// Result is what handling one inbound message did.
type Result struct {
	Duplicate bool       // the message had been handled before: nothing was done
	Replies   []Outbound // answers, already queued for delivery in the same transaction
	Case      string     // serial of a case created or touched, if any
}

// Line is one message of a conversation's transcript, as a chat page shows it.
type Line struct {
	ID      int64     `json:"id" db:"id"`
	From    string    `json:"from" db:"from"` // "owner" or "heed"
	Text    string    `json:"text" db:"text"`
	Choices []Choice  `json:"choices,omitempty" db:"-"`
	At      time.Time `json:"at" db:"at"`
}
