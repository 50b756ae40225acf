package wechat

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// window is how long after an owner's last interaction WeChat accepts
// customer-service messages to them (48 hours), less a minute: the owner's
// time is ours at receipt, a little after WeChat's.
const window = 48*time.Hour - time.Minute

// follower is a wechat_followers row.
type follower struct {
	OpenID          string     `db:"openid"`
	Subscribed      bool       `db:"subscribed"`
	LastInteraction *time.Time `db:"last_interaction_at"`
	CommunityTag    int64      `db:"community_tag"`
}

// interacted records that the owner wrote, clicked the menu or followed:
// the 48-hour window opens again, and whoever writes follows the account.
func (b *Bot) interacted(ctx context.Context, openID string, subscribe bool) error {
	now := b.now()
	_, err := b.db.ExecContext(ctx, stmt.FollowerInteracted, openID, now, subscribe)
	if err != nil {
		return fmt.Errorf("wechat follower: %w", err)
	}
	return nil
}

// unsubscribed records that the owner unfollowed: nothing may be sent to
// them any more, until they follow again.
func (b *Bot) unsubscribed(ctx context.Context, openID string) error {
	now := b.now()
	_, err := b.db.ExecContext(ctx, stmt.FollowerUnsubscribed, openID, now)
	if err != nil {
		return fmt.Errorf("wechat follower: %w", err)
	}
	// Nothing more is queued to them: revisits and surveys go to the
	// specialists' call list instead. Following again and writing clears it.
	if bl, ok := b.eng.(Blocker); ok {
		return bl.SetBlocked(ctx, cases.ChannelWeChat, openID, true, conversation.BlockedUnsubscribe)
	}
	return nil
}

// Blocker records owners who can no longer be written to (the
// conversation engine does).
type Blocker interface {
	SetBlocked(ctx context.Context, channel cases.Channel, userID string, blocked bool, why string) error
}

// follower reads what heed knows of an owner; ok is false for an OpenID it
// has never heard from.
func (b *Bot) follower(ctx context.Context, openID string) (f follower, ok bool, err error) {
	err = b.db.GetContext(ctx, &f, stmt.Follower, openID)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("wechat follower: %w", err)
	}
	return f, true, nil
}

// TagCommunity gives the follower the WeChat user tag of their community
// (communities[].wechat_tag_id), so that a bulletin sent to the tag reaches
// them, and takes off the tag of the community they had before.
func (b *Bot) TagCommunity(ctx context.Context, openID string, tagID int64) error {
	if openID == "" || tagID <= 0 {
		return errors.New("wechat: TagCommunity needs an OpenID and a tag id")
	}
	f, known, err := b.follower(ctx, openID)
	if err != nil {
		return err
	}
	if known && f.CommunityTag == tagID {
		return nil
	}
	req := struct {
		OpenIDList []string `json:"openid_list"`
		TagID      int64    `json:"tagid"`
	}{[]string{openID}, tagID}
	if _, err := b.call(ctx, "tags/members/batchtagging", nil, req, nil); err != nil {
		return err
	}
	if known && f.CommunityTag != 0 {
		req.TagID = f.CommunityTag
		if _, err := b.call(ctx, "tags/members/batchuntagging", nil, req, nil); err != nil {
			b.log.Warn("wechat untag previous community", "tag", f.CommunityTag, "err", err)
		}
	}
	_, err = b.db.ExecContext(ctx, stmt.FollowerTagged, openID, tagID, b.now())
	if err != nil {
		return fmt.Errorf("wechat follower: %w", err)
	}
	return nil
}
