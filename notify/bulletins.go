package notify

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/config"
)

// KindMassByTag is a WeChat mass send to the followers carrying a user tag:
// ChatID is the tag id as text, Payload.Text the bulletin.
const KindMassByTag = "mass_by_tag"

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

// Targets says which platforms are on ("telegram", "slack", "wechat"): a
// bulletin is queued only for those. Owners of web cases need no platform.
type Targets struct{ Platforms map[string]bool }

// TargetState is one recipient of a bulletin and how its delivery stands.
type TargetState struct {
	Channel    string     `db:"channel" json:"channel"`
	ChatID     string     `db:"chat_id" json:"chat_id"`
	Community  string     `db:"community" json:"community"`     // a residential group or tag
	CaseSerial string     `db:"case_serial" json:"case_serial"` // an owner
	OutboxID   *int64     `db:"outbox_id" json:"outbox_id"`     // nil: web owner, written to the transcript
	State      string     `db:"state" json:"state"`             // pending | sent | dead
	Attempts   int        `db:"attempts" json:"attempts"`
	LastError  string     `db:"last_error" json:"last_error"`
	SentAt     *time.Time `db:"sent_at" json:"sent_at"`
}

// Progress is how far a bulletin's delivery has come. Failed counts targets
// whose outbox row is dead (a dead letter can be retried from there).
type Progress struct {
	Total   int           `json:"total"`
	Sent    int           `json:"sent"`
	Failed  int           `json:"failed"`
	Pending int           `json:"pending"`
	Targets []TargetState `json:"targets"`
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

// PostBulletin validates b and, in one transaction, records it, its targets
// and their outbox rows; the workers deliver after commit. on says which
// platforms are on (nil: all). It returns the bulletin's id; with a Key
// already used, the first bulletin's id and nothing is queued again.
func PostBulletin(ctx context.Context, db *sqlx.DB, cfg *config.Config, on map[string]bool, b Bulletin, now time.Time) (int64, error) {
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
	enabled := func(p string) bool { return on == nil || on[p] }

	tx, err := db.BeginTxx(ctx, nil)
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
	err = tx.GetContext(ctx, &id, `INSERT INTO bulletins (key, title, body, communities, cases, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING RETURNING id`,
		key, b.Title, b.Body, pq.Array(b.Communities), pq.Array(b.Cases), b.CreatedBy, now)
	if errors.Is(err, sql.ErrNoRows) {
		// Posted before: the first one stands.
		if err := tx.GetContext(ctx, &id, `SELECT id FROM bulletins WHERE key = $1`, b.Key); err != nil {
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
			add(bulletinTarget{channel: "telegram", chatID: strconv.FormatInt(c.TelegramChatID, 10), kind: KindMessage, text: text, community: c.ID})
		}
		if c.SlackChannel != "" && enabled("slack") {
			add(bulletinTarget{channel: "slack", chatID: c.SlackChannel, kind: KindMessage, text: text, community: c.ID})
		}
		if c.WeChatTagID != 0 && enabled("wechat") {
			add(bulletinTarget{channel: "wechat", chatID: strconv.FormatInt(c.WeChatTagID, 10), kind: KindMassByTag, text: text, community: c.ID})
		}
	}
	if len(b.Cases) > 0 {
		owners, err := bulletinOwners(ctx, tx, b.Cases)
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
			add(bulletinTarget{channel: o.channel, chatID: o.chatID, kind: KindMessage, serial: o.serial,
				text: fmt.Sprintf(cmp.Or(aboutYourCase[o.language], aboutYourCase["zh-CN"])+"\n\n%s", o.serial, text)})
		}
	}
	if err := queueTargets(ctx, tx, id, btargets, now); err != nil {
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

// bulletinOwners finds each case's owner and the chat they talk to heed in
// (owner_ref is "channel:user"; the chat is their conversation's).
func bulletinOwners(ctx context.Context, tx *sqlx.Tx, serials []string) ([]bulletinOwner, error) {
	var rows []struct {
		Serial  string `db:"serial"`
		Channel string `db:"channel"`
		ChatID  string `db:"chat_id"`
		Lang    string `db:"language"`
	}
	err := tx.SelectContext(ctx, &rows, `
		SELECT c.serial, COALESCE(v.channel, '') AS channel, COALESCE(v.chat_id, '') AS chat_id, c.language
		FROM cases c
		LEFT JOIN conversations v ON c.owner_ref <> '' AND strpos(c.owner_ref, ':') > 0
		     AND v.channel = split_part(c.owner_ref, ':', 1)
		     AND v.user_id = substr(c.owner_ref, strpos(c.owner_ref, ':') + 1)
		     AND NOT EXISTS (SELECT 1 FROM owner_profiles p WHERE p.owner_ref = c.owner_ref
		       AND (p.opted_out OR p.blocked_at IS NOT NULL)) -- 退订, or blocked the bot
		WHERE c.serial = ANY($1) ORDER BY c.id`, pq.Array(serials))
	if err != nil {
		return nil, fmt.Errorf("bulletin cases: %w", err)
	}
	found := map[string]bool{}
	var out []bulletinOwner
	for _, r := range rows {
		found[r.Serial] = true
		out = append(out, bulletinOwner{serial: r.Serial, channel: r.Channel, chatID: r.ChatID, language: r.Lang})
	}
	for _, s := range serials {
		if !found[s] {
			return nil, invalidBulletin("unknown case %q", s)
		}
	}
	return out, nil
}

// queueTargets writes the targets, and for each an outbox row whose id it
// records, in one statement per chunk; web owners get a transcript line.
func queueTargets(ctx context.Context, tx *sqlx.Tx, id int64, btargets []bulletinTarget, now time.Time) error {
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
		cols := make([][]string, 6)
		for _, t := range part {
			p, err := json.Marshal(Payload{Text: t.text})
			if err != nil {
				return err
			}
			for j, v := range []string{t.channel, t.chatID, t.kind, string(p), t.community, t.serial} {
				cols[j] = append(cols[j], v)
			}
		}
		_, err := tx.ExecContext(ctx, `
			WITH t AS (SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[])
			           WITH ORDINALITY AS t(channel, chat_id, kind, payload, community, case_serial, n)),
			o AS (INSERT INTO outbox (channel, chat_id, kind, payload, case_serial, next_attempt_at, created_at)
			      SELECT channel, chat_id, kind, payload, case_serial, $2, $2 FROM t ORDER BY n
			      RETURNING id, channel, chat_id)
			INSERT INTO bulletin_targets (bulletin_id, channel, chat_id, community, case_serial, outbox_id, created_at)
			SELECT $1, t.channel, t.chat_id, t.community, t.case_serial, o.id, $2 FROM t JOIN o USING (channel, chat_id) ORDER BY t.n`,
			id, now, pq.Array(cols[0]), pq.Array(cols[1]), pq.Array(cols[2]), pq.Array(cols[3]), pq.Array(cols[4]), pq.Array(cols[5]))
		if err != nil {
			return fmt.Errorf("queue bulletin: %w", err)
		}
	}
	for _, t := range web {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bulletin_targets (bulletin_id, channel, chat_id, community, case_serial, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, t.channel, t.chatID, t.community, t.serial, now); err != nil {
			return fmt.Errorf("bulletin target: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO transcript (channel, chat_id, sender, text, choices, at)
			VALUES ($1, $2, 'heed', $3, '[]', $4)`, t.channel, t.chatID, t.text, now); err != nil {
			return fmt.Errorf("bulletin transcript: %w", err)
		}
	}
	if len(out) > 0 {
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify('heed_outbox', '')`); err != nil {
			return err
		}
	}
	return nil
}

// BulletinProgress reports a bulletin's delivery, target by target, from
// the state of each target's outbox row. A web owner counts as sent (the
// bulletin is in their transcript); a target whose outbox row is gone
// (pruned) counts as sent too.
func BulletinProgress(ctx context.Context, db *sqlx.DB, id int64) (*Progress, error) {
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM bulletins WHERE id = $1)`, id); err != nil {
		return nil, err
	}
	if !exists {
		return nil, fmt.Errorf("%w: %d", ErrBulletinNotFound, id)
	}
	p := &Progress{}
	err := db.SelectContext(ctx, &p.Targets, `
		SELECT t.channel, t.chat_id, t.community, t.case_serial, t.outbox_id,
		       COALESCE(o.state, 'sent') AS state, COALESCE(o.attempts, 0) AS attempts,
		       COALESCE(o.last_error, '') AS last_error, COALESCE(o.sent_at, t.created_at) AS sent_at
		FROM bulletin_targets t LEFT JOIN outbox o ON o.id = t.outbox_id
		WHERE t.bulletin_id = $1 ORDER BY t.id`, id)
	if err != nil {
		return nil, fmt.Errorf("bulletin progress: %w", err)
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
		default:
			p.Pending++
		}
	}
	p.Total = len(p.Targets)
	return p, nil
}
