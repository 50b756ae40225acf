// Package notify delivers everything heed sends, and knows nothing of what
// it says: owner answers, cards, notices are all rows of the outbox, each
// inserted in the same transaction as the decision that caused it and
// delivered after commit by workers that take rows with SKIP LOCKED, so
// several heed serve share the work and a crash loses nothing. A send's
// outcome, once known, is recorded even if the database has to come back
// first; only a send whose outcome heed never learned (it died mid-call) may
// go out twice — and a row to be sent once (Message.Once: a notice to a
// whole group) not even that without a person's word (see Worker).
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Kinds of outbox rows.
const (
	KindMessage        = "message"         // a text with optional choices
	KindAnswerCallback = "answer_callback" // Telegram: stop the button's spinner
	KindEditChoice     = "edit_choice"     // show the chosen answer under a question, remove its buttons
	// KindMassByTag is a WeChat mass send to the followers carrying a user
	// tag: ChatID is the tag id as text, Payload.Text the notice. It is
	// always sent once (Message.Once).
	KindMassByTag = "mass_by_tag"
)

// Choice is a button offered with a message.
type Choice struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

// Payload is what a sender needs to deliver one row.
type Payload struct {
	Text    string   `json:"text,omitempty"`
	Choices []Choice `json:"choices,omitempty"`
	// For edits and callback answers: the platform's ids.
	MessageID  string `json:"message_id,omitempty"`
	CallbackID string `json:"callback_id,omitempty"`
	// Card, for KindCard rows. The worker fills MessageID with the id of the
	// card already posted in this chat, so the sender edits instead of posting.
	Card *Card `json:"card,omitempty"`
	// UserID is the one person a KindPrivate message is for.
	UserID string `json:"user_id,omitempty"`
	// ForceReply asks Telegram to open a reply to this message (a prompt
	// for the text an action needs).
	ForceReply bool `json:"force_reply,omitempty"`
	// Alert shows a callback answer as a dialog (a refusal).
	Alert bool `json:"alert,omitempty"`
	// Prompt is the act data (ActData) of the action a prompt asks the text
	// of: a reply to the sent message is that text.
	Prompt string `json:"prompt,omitempty"`
}

// Message is one outbox row.
type Message struct {
	ID         int64           `db:"id"`
	Channel    string          `db:"channel"`
	ChatID     string          `db:"chat_id"`
	Kind       string          `db:"kind"`
	RawPayload json.RawMessage `db:"payload"`
	Payload    Payload         `db:"-"`
	CaseSerial string          `db:"case_serial"`
	Attempts   int             `db:"attempts"`
	// Once: if heed stops while the row is out and never learns whether it
	// arrived, it is not sent again by itself but left 'uncertain' for a
	// person (ResendUncertain): a notice to a whole group (a bulletin, a
	// WeChat mass send, always once) must not go out twice unasked.
	Once bool `db:"once"`
}

// Enqueue adds messages to the outbox inside the caller's transaction; they
// are sent only if it commits.
func Enqueue(ctx context.Context, tx *sqlx.Tx, now time.Time, msgs ...Message) error {
	_, err := EnqueueIDs(ctx, tx, now, msgs...)
	return err
}

// EnqueueIDs is Enqueue that returns the rows' ids, in the order of msgs:
// a caller that follows its rows' delivery (a bulletin's targets) keeps
// them.
func EnqueueIDs(ctx context.Context, tx *sqlx.Tx, now time.Time, msgs ...Message) ([]int64, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	if err := loadQueries(); err != nil {
		return nil, err
	}
	cols := make([][]string, 5)
	once := make([]bool, len(msgs))
	for i, m := range msgs {
		if m.Kind == "" {
			m.Kind = KindMessage
		}
		p, err := json.Marshal(m.Payload)
		if err != nil {
			return nil, err
		}
		for j, v := range []string{m.Channel, m.ChatID, m.Kind, string(p), m.CaseSerial} {
			cols[j] = append(cols[j], v)
		}
		once[i] = m.Once || m.Kind == KindMassByTag
	}
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, q.Enqueue, now, pq.Array(cols[0]), pq.Array(cols[1]), pq.Array(cols[2]),
		pq.Array(cols[3]), pq.Array(cols[4]), pq.Array(once)); err != nil {
		return nil, fmt.Errorf("enqueue: %w", err)
	}
	return ids, nil
}

// Sender delivers one message on one platform and returns the platform's id
// of what it posted.
type Sender interface {
	Send(ctx context.Context, m Message) (platformID string, err error)
}

// RetryAfterError is a platform's "too many requests, wait this long".
type RetryAfterError struct {
	Wait time.Duration
	Err  error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.Wait, e.Err)
}
func (e *RetryAfterError) Unwrap() error { return e.Err }

// PermanentError is a failure that retrying cannot fix (chat not found, bot
// blocked by the user): the row goes to the dead letters at once. Chat says
// the chat itself refuses every message (blocked, gone), not just this one:
// the chat's later rows claimed with it fail the same way, unsent.
type PermanentError struct {
	Err  error
	Chat bool
}

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }
