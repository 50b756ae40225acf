package desk

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// Bulletin limits.
const (
	MaxBulletinTitle = 100  // characters
	MaxBulletinBody  = 4000 // characters
	maxBulletinKey   = 200
)

// Bulletin is a notice (公告) from a specialist to the residents of one or
// more communities: their Telegram group, their Slack channel and the WeChat
// followers tagged with the community. Cases lists the serials of the
// complaints it resolves (a common complaint); their owners get it
// individually too. Key is the client's idempotency key: posting a bulletin
// with a key already used returns the first bulletin and queues nothing.
type Bulletin struct {
	ID          int64
	Key         string
	Title, Body string
	Communities []string // community ids (config)
	Cases       []string // case serials
	CreatedBy   string
	CreatedAt   time.Time
}

// TargetState is one recipient of a bulletin and how its delivery stands.
type TargetState struct {
	Channel    string     `db:"channel" json:"channel"`
	ChatID     string     `db:"chat_id" json:"chat_id"`
	Community  string     `db:"community" json:"community"`     // a residential group or tag
	CaseSerial string     `db:"case_serial" json:"case_serial"` // an owner
	OutboxID   *int64     `db:"outbox_id" json:"outbox_id"`     // nil: web owner, written to the transcript
	State      string     `db:"state" json:"state"`             // pending | sending | sent | dead | uncertain
	Attempts   int        `db:"attempts" json:"attempts"`
	LastError  string     `db:"last_error" json:"last_error"`
	SentAt     *time.Time `db:"sent_at" json:"sent_at"`
}

// Progress is how far a bulletin's delivery has come. Failed counts targets
// whose outbox row is dead (a dead letter can be retried from there).
// Uncertain counts targets whose send was out when heed stopped: it may or
// may not have arrived, and it is not sent again unless a person says so
// (ResendUncertain).
type Progress struct {
	Total     int           `json:"total"`
	Sent      int           `json:"sent"`
	Failed    int           `json:"failed"`
	Pending   int           `json:"pending"`
	Uncertain int           `json:"uncertain"`
	Targets   []TargetState `json:"targets"`
}

// Errors of PostBulletin and BulletinProgress.
var (
	ErrBulletinInvalid  = errors.New("invalid bulletin")
	ErrBulletinNotFound = errors.New("no such bulletin")
)

func invalidBulletin(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBulletinInvalid, fmt.Sprintf(format, a...))
}

// bulletinTarget is one recipient being queued.
type bulletinTarget struct {
	channel, chatID, kind, text, community, serial string
}

// ResendUncertain queues again the targets of bulletin id whose send's
// outcome is unknown, and returns how many (notify.ErrNothingUncertain
// when none is). Some of those chats may then see the bulletin twice: it
// is a person's call.
func (d *Desk) ResendUncertain(ctx context.Context, id int64, now time.Time) (int, error) {
	var ids []int64
	if err := d.svc.DB().SelectContext(ctx, &ids, q.BulletinRows, id); err != nil {
		return 0, err
	}
	return notify.ResendUncertain(ctx, d.svc.DB(), ids, now)
}

// PostBulletin validates b and, in one transaction, records it, its targets
// and their outbox rows; the workers deliver after commit, on the platforms
// that are on. It returns the bulletin's id; with a Key already used, the
// first bulletin's id and nothing is queued again.
func (d *Desk) PostBulletin(ctx context.Context, b Bulletin, now time.Time) (int64, error) {
	cfg := d.cfg
	b.Title = strings.TrimSpace(b.Title)
	b.Body = strings.TrimSpace(b.Body)
	switch {
	case b.Body == "":
		return 0, invalidBulletin("empty body")
	case utf8.RuneCountInString(b.Body) > MaxBulletinBody:
		return 0, invalidBulletin("body longer than %d characters", MaxBulletinBody)
	case utf8.RuneCountInString(b.Title) > MaxBulletinTitle:
		return 0, invalidBulletin("title longer than %d characters", MaxBulletinTitle)
	case len(b.Key) > maxBulletinKey:
		return 0, invalidBulletin("key longer than %d bytes", maxBulletinKey)
	case len(b.Communities) == 0:
		return 0, invalidBulletin("no community")
	}
	byID := map[string]*config.Community{}
	for i := range cfg.Communities {
		byID[cfg.Communities[i].ID] = &cfg.Communities[i]
	}
	var comms []*config.Community
	seen := map[string]bool{}
	for _, id := range b.Communities {
		c, ok := byID[id]
		if !ok {
			return 0, invalidBulletin("unknown community %q", id)
		}
		if !seen[id] {
			seen[id] = true
			comms = append(comms, c)
		}
	}
	b.Communities = b.Communities[:0:0]
	for _, c := range comms {
		b.Communities = append(b.Communities, c.ID)
	}
	b.Cases = dedupeBulletin(b.Cases)
	enabled := func(p string) bool { return d.platforms[p] }

	tx, err := d.svc.DB().BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck

	var key any
	if b.Key != "" {
		key = b.Key
	}
	var id int64
	// A concurrent post with the same key waits here for the first to end.
	err = tx.GetContext(ctx, &id, q.InsertBulletin, key, b.Title, b.Body, pq.Array(b.Communities), pq.Array(b.Cases), b.CreatedBy, now)
	if errors.Is(err, sql.ErrNoRows) {
		// Posted before: the first one stands.
		if err := tx.GetContext(ctx, &id, q.BulletinByKey, b.Key); err != nil {
			return 0, fmt.Errorf("bulletin %q: %w", b.Key, err)
		}
		return id, nil
	}
	if err != nil {
		return 0, fmt.Errorf("insert bulletin: %w", err)
	}

	text := bulletinText(b.Title, b.Body)
	var btargets []bulletinTarget
	have := map[string]bool{}
	add := func(t bulletinTarget) {
		k := t.channel + "\x00" + t.chatID
		if have[k] {
			return
		}
		have[k] = true
		btargets = append(btargets, t)
	}
	for _, c := range comms {
		if c.TelegramChatID != 0 && enabled("telegram") {
			add(bulletinTarget{channel: "telegram", chatID: strconv.FormatInt(c.TelegramChatID, 10), kind: notify.KindMessage, text: text, community: c.ID})
		}
		if c.SlackChannel != "" && enabled("slack") {
			add(bulletinTarget{channel: "slack", chatID: c.SlackChannel, kind: notify.KindMessage, text: text, community: c.ID})
		}
		if c.WeChatTagID != 0 && enabled("wechat") {
			add(bulletinTarget{channel: "wechat", chatID: strconv.FormatInt(c.WeChatTagID, 10), kind: notify.KindMassByTag, text: text, community: c.ID})
		}
	}
	if len(b.Cases) > 0 {
		owners, err := d.bulletinOwners(ctx, tx, b.Cases)
		if err != nil {
			return 0, err
		}
		for _, o := range owners {
			if o.chatID == "" { // no owner on a chat (phone, letter), or no conversation to reach them in
				continue
			}
			if o.channel != "web" && !enabled(o.channel) {
				continue
			}
			add(bulletinTarget{channel: o.channel, chatID: o.chatID, kind: notify.KindMessage, serial: o.serial,
				text: fmt.Sprintf(cmp.Or(aboutYourCase[o.language], aboutYourCase["zh-CN"])+"\n\n%s", o.serial, text)})
		}
	}
	if err := d.queueTargets(ctx, tx, id, btargets, now); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// bulletinText is the bulletin as residents read it.
func bulletinText(title, body string) string {
	if title == "" {
		return "【公告】\n" + body
	}
	return "【公告】" + title + "\n\n" + body
}

func dedupeBulletin(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

type bulletinOwner struct{ serial, channel, chatID, language string }

// aboutYourCase heads the bulletin an owner gets for their own complaint,
// in the language they talk to heed in; the bulletin itself is as written.
var aboutYourCase = map[string]string{"zh-CN": "关于您的投诉 %s：", "zh-TW": "關於您的投訴 %s：", "en": "About your complaint %s:"}

// bulletinOwners finds each case's owner and the chat they talk to heed
// in, unless they opted out or blocked heed (chatID "" then, and for an
// owner on no chat).
func (d *Desk) bulletinOwners(ctx context.Context, tx *sqlx.Tx, serials []string) ([]bulletinOwner, error) {
	owners, err := d.svc.CaseOwners(ctx, tx, serials)
	if err != nil {
		return nil, fmt.Errorf("bulletin cases: %w", err)
	}
	var refs []string
	for _, o := range owners {
		if o.OwnerRef != "" {
			refs = append(refs, o.OwnerRef)
		}
	}
	chats := map[string]conversation.OwnerChat{}
	if d.owners != nil && len(refs) > 0 {
		if chats, err = d.owners.OwnerChats(ctx, tx, refs); err != nil {
			return nil, fmt.Errorf("bulletin cases: %w", err)
		}
	}
	found := map[string]bool{}
	var out []bulletinOwner
	for _, o := range owners {
		found[o.Serial] = true
		ch := chats[o.OwnerRef]
		out = append(out, bulletinOwner{serial: o.Serial, channel: ch.Channel, chatID: ch.ChatID, language: o.Language})
	}
	for _, s := range serials {
		if !found[s] {
			return nil, invalidBulletin("unknown case %q", s)
		}
	}
	return out, nil
}

// queueTargets queues the targets' outbox rows (sent once: a group is not
// sent a notice twice unasked) and records each target with its row, in
// chunks; web owners get a transcript line.
func (d *Desk) queueTargets(ctx context.Context, tx *sqlx.Tx, id int64, btargets []bulletinTarget, now time.Time) error {
	var web []bulletinTarget
	var out []bulletinTarget
	for _, t := range btargets {
		if t.channel == "web" {
			web = append(web, t)
		} else {
			out = append(out, t)
		}
	}
	const chunk = 2000
	for i := 0; i < len(out); i += chunk {
		part := out[i:min(i+chunk, len(out))]
		msgs := make([]notify.Message, len(part))
		for j, t := range part {
			msgs[j] = notify.Message{Channel: t.channel, ChatID: t.chatID, Kind: t.kind, CaseSerial: t.serial, Once: true, Payload: notify.Payload{Text: t.text}}
		}
		ids, err := notify.EnqueueIDs(ctx, tx, now, msgs...)
		if err != nil {
			return fmt.Errorf("queue bulletin: %w", err)
		}
		if err := insertTargets(ctx, tx, id, part, ids, now); err != nil {
			return err
		}
	}
	if len(web) > 0 {
		if err := insertTargets(ctx, tx, id, web, nil, now); err != nil {
			return err
		}
	}
	for _, t := range web {
		if err := d.owners.Transcribe(ctx, tx, now, t.channel, t.chatID, t.text); err != nil {
			return fmt.Errorf("bulletin transcript: %w", err)
		}
	}
	return nil
}

// insertTargets records targets of bulletin id with their outbox rows (nil:
// none, web owners).
func insertTargets(ctx context.Context, tx *sqlx.Tx, id int64, ts []bulletinTarget, outbox []int64, now time.Time) error {
	cols := make([][]string, 4)
	rows := make([]*int64, len(ts))
	for i, t := range ts {
		for j, v := range []string{t.channel, t.chatID, t.community, t.serial} {
			cols[j] = append(cols[j], v)
		}
		if outbox != nil {
			rows[i] = &outbox[i]
		}
	}
	if _, err := tx.ExecContext(ctx, q.InsertTargets, id, now, pq.Array(cols[0]), pq.Array(cols[1]), pq.Array(cols[2]), pq.Array(cols[3]), pq.Array(rows)); err != nil {
		return fmt.Errorf("bulletin targets: %w", err)
	}
	return nil
}

// BulletinProgress reports a bulletin's delivery, target by target, from
// the state of each target's outbox row. A web owner counts as sent (the
// bulletin is in their transcript); a target whose outbox row is gone
// (pruned) counts as sent too.
func (d *Desk) BulletinProgress(ctx context.Context, id int64) (*Progress, error) {
	db := d.svc.DB()
	var exists bool
	if err := db.GetContext(ctx, &exists, q.BulletinExists, id); err != nil {
		return nil, err
	}
	if !exists {
		return nil, fmt.Errorf("%w: %d", ErrBulletinNotFound, id)
	}
	p := &Progress{}
	if err := db.SelectContext(ctx, &p.Targets, q.BulletinTargets, id); err != nil {
		return nil, fmt.Errorf("bulletin progress: %w", err)
	}
	var ids []int64
	for _, t := range p.Targets {
		if t.OutboxID != nil {
			ids = append(ids, *t.OutboxID)
		}
	}
	rows, err := notify.States(ctx, db, ids)
	if err != nil {
		return nil, fmt.Errorf("bulletin progress: %w", err)
	}
	for i := range p.Targets {
		t := &p.Targets[i]
		t.State = "sent" // a web owner (in the transcript), or a row pruned since
		if t.OutboxID == nil {
			continue
		}
		if r, ok := rows[*t.OutboxID]; ok {
			t.State, t.Attempts, t.LastError = r.State, r.Attempts, r.LastError
			if r.SentAt != nil {
				t.SentAt = r.SentAt
			}
		}
	}
	for i := range p.Targets {
		t := &p.Targets[i]
		if t.State != "sent" {
			t.SentAt = nil
		}
		switch t.State {
		case "sent":
			p.Sent++
		case "dead":
			p.Failed++
		case "uncertain":
			p.Uncertain++
		default:
			p.Pending++
		}
	}
	p.Total = len(p.Targets)
	return p, nil
}
