-- The WeChat bot's statements (queries.go loads them with cases/sqlset; New
-- fails on a missing, misspelt or unused block).
--
-- Tables this package owns — no other package's SQL names them:
--   wechat_cache       the SDK's cache, shared by every heed serve (the access token)
--   wechat_followers   who follows the account, their 48-hour window, their community tag
--
-- An owner who unfollows is recorded as blocked through the conversation
-- engine (Blocker), not here.

-- ── cache (token.go) ────────────────────────────────────────────────────

-- name: cache-get
SELECT value FROM wechat_cache WHERE key = $1 AND expires_at > $2;

-- name: cache-set
INSERT INTO wechat_cache (key, value, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at;

-- name: cache-delete
DELETE FROM wechat_cache WHERE key = $1;

-- name: token-lock
-- $1 is lockClass, $2 the token's cache key.
SELECT pg_advisory_xact_lock($1, hashtext($2));

-- name: token-invalidate
-- Only if it is still the cached token.
DELETE FROM wechat_cache WHERE key = $1 AND value = $2;

-- ── followers (followers.go) ────────────────────────────────────────────

-- name: follower-interacted
-- $3: the interaction is a subscribe event.
INSERT INTO wechat_followers (openid, subscribed, subscribed_at, last_interaction_at, updated_at)
VALUES ($1, true, CASE WHEN $3 THEN $2::timestamptz END, $2, $2)
ON CONFLICT (openid) DO UPDATE SET subscribed = true,
    subscribed_at = CASE WHEN $3 OR NOT wechat_followers.subscribed THEN $2::timestamptz ELSE wechat_followers.subscribed_at END,
    last_interaction_at = GREATEST(wechat_followers.last_interaction_at, $2),
    updated_at = $2;

-- name: follower-unsubscribed
INSERT INTO wechat_followers (openid, subscribed, unsubscribed_at, updated_at) VALUES ($1, false, $2, $2)
ON CONFLICT (openid) DO UPDATE SET subscribed = false, unsubscribed_at = $2, updated_at = $2;

-- name: follower
SELECT openid, subscribed, last_interaction_at, community_tag FROM wechat_followers WHERE openid = $1;

-- name: follower-tagged
INSERT INTO wechat_followers (openid, subscribed, community_tag, updated_at) VALUES ($1, true, $2, $3)
ON CONFLICT (openid) DO UPDATE SET community_tag = $2, updated_at = $3;
