package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// PostedBulletin is a bulletin as posted, with how its delivery stands.
type PostedBulletin struct {
	Bulletin
	Progress *Progress
}

type bulletinRow struct {
	ID          int64          `db:"id"`
	Key         string         `db:"key"`
	Title       string         `db:"title"`
	Body        string         `db:"body"`
	Communities pq.StringArray `db:"communities"`
	Cases       pq.StringArray `db:"cases"`
	CreatedBy   string         `db:"created_by"`
	CreatedAt   time.Time      `db:"created_at"`
}

func (r bulletinRow) bulletin() Bulletin {
	return Bulletin{ID: r.ID, Key: r.Key, Title: r.Title, Body: r.Body, Communities: r.Communities, Cases: r.Cases,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

// Bulletins lists the newest limit bulletins, newest first, each with its
// progress (BulletinProgress).
func (d *Desk) Bulletins(ctx context.Context, limit int) ([]PostedBulletin, error) {
	var rows []bulletinRow
	if err := d.svc.DB().SelectContext(ctx, &rows, q.Bulletins, limit); err != nil {
		return nil, fmt.Errorf("bulletins: %w", err)
	}
	out := make([]PostedBulletin, 0, len(rows))
	for _, r := range rows {
		p, err := d.BulletinProgress(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, PostedBulletin{Bulletin: r.bulletin(), Progress: p})
	}
	return out, nil
}

// PostedBulletinOf is bulletin id with its progress (ErrBulletinNotFound
// when there is none).
func (d *Desk) PostedBulletinOf(ctx context.Context, id int64) (*PostedBulletin, error) {
	var r bulletinRow
	err := d.svc.DB().GetContext(ctx, &r, q.Bulletin, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %d", ErrBulletinNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("bulletin %d: %w", id, err)
	}
	p, err := d.BulletinProgress(ctx, id)
	if err != nil {
		return nil, err
	}
	return &PostedBulletin{Bulletin: r.bulletin(), Progress: p}, nil
}
