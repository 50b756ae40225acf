package cases

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// tx is one request's transaction with its single clock reading.
type tx struct {
	*sqlx.Tx
	now time.Time
}

// inTx runs fn in a transaction with one clock reading; it commits when fn
// returns nil. Serialization failures and deadlocks are retried a few times.
func (s *Service) inTx(ctx context.Context, fn func(*tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = s.tryTx(ctx, fn)
		switch pgCode(err) {
		case pgSerializationFailure, pgDeadlock:
			continue
		}
		return err
	}
	return err
}

func (s *Service) tryTx(ctx context.Context, fn func(*tx) error) error {
	t, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer t.Rollback() //nolint:errcheck // after Commit it is a no-op
	var after []func()
	s.afterCommit.Store(t, &after)
	defer s.afterCommit.Delete(t)
	if err := fn(&tx{Tx: t, now: s.now().In(s.cal.Location())}); err != nil {
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, f := range after {
		f()
	}
	return nil
}

// logAfterCommit writes an info line once the transaction sx has committed
// (a try that is rolled back and retried logs nothing), or at once when sx
// is not one of the service's own transactions.
func (s *Service) logAfterCommit(sx *sqlx.Tx, msg string, args ...any) {
	line := func() { s.log.Info(msg, args...) }
	if v, ok := s.afterCommit.Load(sx); ok {
		fs := v.(*[]func())
		*fs = append(*fs, line)
		return
	}
	line()
}

// Within runs fn inside a transaction of the store, so that another package
// (the conversation engine, notify) can record its own rows atomically with a
// case change. fn receives the transaction and its clock reading.
func (s *Service) Within(ctx context.Context, fn func(t *sqlx.Tx, now time.Time) error) error {
	return s.inTx(ctx, func(t *tx) error { return fn(t.Tx, t.now) })
}

func (t *tx) event(c *Case, a Actor, name string, action string, from, to Status, changes []byte, note string) error {
	if len(changes) == 0 {
		changes = []byte("{}")
	}
	_, err := t.NamedExec(q.InsertEvent, map[string]any{
		"case_id": c.ID, "at": t.now, "actor_kind": a.Kind, "actor_id": a.ID, "actor_name": name,
		"platform_user": a.PlatformUser, "channel": a.Channel, "action": action,
		"from_status": from, "to_status": to, "changes": string(changes), "note": note,
	})
	return err
}

func (t *tx) addDeadlines(caseID int64, ds []Deadline) error {
	for _, d := range ds {
		if _, err := t.Exec(q.InsertDeadline, caseID, d.Step, d.Due, t.now); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) meet(caseID int64, steps ...Step) error {
	for _, st := range steps {
		if _, err := t.Exec(q.MeetDeadline, caseID, st, t.now); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) supersede(caseID int64, steps ...Step) error {
	names := make([]string, len(steps))
	for i, st := range steps {
		names[i] = string(st)
	}
	_, err := t.Exec(q.SupersedeDeadlines, caseID, pqArray(names), t.now)
	return err
}

var errNotFound = errors.New("not found")
