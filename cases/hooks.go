package cases

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Change is what just happened to a case, told to the hooks inside the
// transaction that did it, so what they queue (cards, owner notices) is
// committed with it — or not at all.
type Change struct {
	Action string // "create", an Action, "deadline_missed", "deadline_reminder"
	Actor  Actor
	Before *Case // nil for create
	Case   *Case
	Text   string // the transition's text (measures, reason, reply)
	Step   Step   // for deadline events
	Due    time.Time
}

// Hook reacts to a change within its transaction.
type Hook func(ctx context.Context, tx *sqlx.Tx, now time.Time, ch Change) error

// OnChange registers a hook. Hooks are set up before serving, not while
// cases change.
func (s *Service) OnChange(h Hook) { s.hooks = append(s.hooks, h) }

func (s *Service) changed(ctx context.Context, t *tx, ch Change) error {
	for _, h := range s.hooks {
		if err := h(ctx, t.Tx, t.now, ch); err != nil {
			return err
		}
	}
	return nil
}
