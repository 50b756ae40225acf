package conversation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/cases"
)

// What the complaint desk in a browser (bots/console) reads of owners:
// who they are on each chat, their language and opt-outs, and their whole
// conversation with heed. The tables are this package's; the desk calls
// these functions.

// OwnerIdentity is one chat identity of an owner as the desk shows it.
type OwnerIdentity struct {
	Ref           string     `db:"ref"` // "telegram:123"
	Name          string     `db:"name"`
	Phone         string     `db:"phone"`
	Language      string     `db:"language"`
	OptedOut      bool       `db:"opted_out"` // 退订: no bulletins, surveys or questionnaires
	BlockedAt     *time.Time `db:"blocked_at"`
	BlockedReason string     `db:"blocked_reason"`
	LastSeen      *time.Time `db:"last_seen"` // their conversation's last change; nil: never talked to heed
}

// Channel is the platform of the identity: "telegram", "web"…
func (o OwnerIdentity) Channel() cases.Channel {
	ch, _, _ := cutRef(o.Ref)
	return cases.Channel(ch)
}

func cutRef(ref string) (channel, user string, ok bool) { return strings.Cut(ref, ":") }

// OwnerIdentities is what heed knows of each owner ref, in their order
// (an unknown ref comes back with only its Ref).
func OwnerIdentities(ctx context.Context, db sqlx.QueryerContext, refs []string) ([]OwnerIdentity, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	out := []OwnerIdentity{}
	if len(refs) == 0 {
		return out, nil
	}
	if err := sqlx.SelectContext(ctx, db, &out, stmt.DeskOwnerIdentities, pq.Array(refs)); err != nil {
		return nil, fmt.Errorf("owner identities: %w", err)
	}
	return out, nil
}

// MaxOwnerConversation is how many of the last lines OwnerConversation gives.
const MaxOwnerConversation = 500

// OwnerConversation is the owner's conversation with heed in their chat,
// both sides verbatim, oldest first: the last MaxOwnerConversation lines.
// An owner ref with no conversation (a complaint taken by phone) has none.
func OwnerConversation(ctx context.Context, db sqlx.QueryerContext, ownerRef string) ([]Line, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	out := []Line{}
	if _, _, ok := cutRef(ownerRef); !ok {
		return out, nil
	}
	if err := sqlx.SelectContext(ctx, db, &out, stmt.DeskOwnerConversation, ownerRef, MaxOwnerConversation); err != nil {
		return nil, fmt.Errorf("owner conversation: %w", err)
	}
	return out, nil
}
