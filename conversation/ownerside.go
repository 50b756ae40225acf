package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// What the complaint desk (package notify/desk) asks of the owners' side
// for a bulletin: where each owner can be reached, and a line in a web
// owner's transcript (no platform delivers to the web chat).

// OwnerChat is the chat an owner talks to heed in.
type OwnerChat struct {
	Channel string `db:"channel"`
	ChatID  string `db:"chat_id"`
}

// OwnerChats finds, for each owner ref ("channel:user"), the chat of their
// conversation with heed; an owner with none, or who opted out (退订) or
// blocked heed, is left out.
func (e *Engine) OwnerChats(ctx context.Context, db sqlx.QueryerContext, ownerRefs []string) (map[string]OwnerChat, error) {
	var rows []struct {
		Ref string `db:"ref"`
		OwnerChat
	}
	err := sqlx.SelectContext(ctx, db, &rows, `
		SELECT r.ref, v.channel, v.chat_id FROM unnest($1::text[]) r(ref)
		JOIN conversations v ON strpos(r.ref, ':') > 0 AND v.channel = split_part(r.ref, ':', 1)
		     AND v.user_id = substr(r.ref, strpos(r.ref, ':') + 1)
		WHERE NOT EXISTS (SELECT 1 FROM owner_profiles p WHERE p.owner_ref = r.ref
		      AND (p.opted_out OR p.blocked_at IS NOT NULL)) -- 退订, or blocked the bot`, pq.Array(ownerRefs))
	if err != nil {
		return nil, fmt.Errorf("owner chats: %w", err)
	}
	out := make(map[string]OwnerChat, len(rows))
	for _, r := range rows {
		out[r.Ref] = r.OwnerChat
	}
	return out, nil
}

// Transcribe writes what heed said to a chat into its transcript, inside
// tx: what a web owner reads when the page asks (a bulletin).
func (e *Engine) Transcribe(ctx context.Context, tx *sqlx.Tx, now time.Time, channel, chatID, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO transcript (channel, chat_id, sender, text, choices, at)
		VALUES ($1, $2, 'heed', $3, '[]', $4)`, channel, chatID, text, now)
	return err
}
