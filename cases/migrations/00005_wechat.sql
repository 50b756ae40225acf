-- +goose Up
-- WeChat Official Account.

-- What the WeChat SDK caches, above all the access token: one row per key,
-- shared by every heed serve, so that WeChat hands out one access token per
-- expiry for all of them (a second fetch would invalidate the first one's
-- token). Values are JSON. Whoever fetches a new token holds an advisory
-- lock on its key meanwhile; see bots/wechat/token.go.
CREATE TABLE wechat_cache (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Owners who follow the Official Account, by OpenID. last_interaction_at
-- opens WeChat's 48-hour customer-service window (message/custom/send is
-- refused after it: a template message goes instead); an owner who
-- unfollowed gets nothing at all. community_tag is the WeChat user tag of
-- the owner's community (communities[].wechat_tag_id), so that a bulletin
-- can reach a community's followers.
CREATE TABLE wechat_followers (
    openid              text PRIMARY KEY,
    subscribed          boolean NOT NULL DEFAULT true,
    subscribed_at       timestamptz,
    unsubscribed_at     timestamptz,
    last_interaction_at timestamptz,
    community_tag       bigint NOT NULL DEFAULT 0, -- 0: none
    updated_at          timestamptz NOT NULL
);
CREATE INDEX wechat_followers_tag_idx ON wechat_followers (community_tag) WHERE subscribed AND community_tag <> 0;

-- +goose Down
DROP TABLE wechat_followers;
DROP TABLE wechat_cache;
