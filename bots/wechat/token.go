package wechat

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/heedhq/heed/cases/locks"
	"log/slog"
	"net/url"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/util"
)

// Cache is the SDK's cache.Cache (and cache.ContextCache) kept in the
// wechat_cache table, so every heed serve sees the same values — above all
// the same access token: WeChat invalidates a token a few minutes after a
// newer one is fetched, so replicas with a cache each would keep knocking
// each other's token out. (The SDK's cache.Memory also reads its map
// without a lock.) Values are stored as JSON: strings, which is all the
// SDK keeps (tokens, tickets), come back as they went in; numbers come back
// as float64.
type Cache struct {
	db  *sqlx.DB
	now func() time.Time
}

var _ cache.ContextCache = (*Cache)(nil)

// NewCache is a cache on db (migrated: it needs the wechat_cache table);
// it fails when a statement of queries.sql is missing.
func NewCache(db *sqlx.DB) (*Cache, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	return &Cache{db: db, now: time.Now}, nil
}

// neverExpires stands for "no timeout" (the SDK passes 0 for that).
const neverExpires = 100 * 365 * 24 * time.Hour

func (c *Cache) Get(key string) any { return c.GetContext(context.Background(), key) }
func (c *Cache) Set(key string, val any, timeout time.Duration) error {
	return c.SetContext(context.Background(), key, val, timeout)
}
func (c *Cache) IsExist(key string) bool { return c.IsExistContext(context.Background(), key) }
func (c *Cache) Delete(key string) error { return c.DeleteContext(context.Background(), key) }

// GetContext returns the value, or nil when it is missing or expired.
func (c *Cache) GetContext(ctx context.Context, key string) any {
	v, ok, err := c.get(ctx, c.db, key)
	if err != nil || !ok {
		return nil
	}
	var out any
	if json.Unmarshal([]byte(v), &out) != nil {
		return nil
	}
	return out
}

func (c *Cache) get(ctx context.Context, q sqlx.QueryerContext, key string) (string, bool, error) {
	var v string
	err := sqlx.GetContext(ctx, q, &v, stmt.CacheGet, key, c.now())
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// SetContext stores val for timeout (0: for good).
func (c *Cache) SetContext(ctx context.Context, key string, val any, timeout time.Duration) error {
	return c.set(ctx, c.db, key, val, timeout)
}

func (c *Cache) set(ctx context.Context, e sqlx.ExecerContext, key string, val any, timeout time.Duration) error {
	data, err := json.Marshal(val)
	if err != nil {
		return fmt.Errorf("wechat cache %s: %w", key, err)
	}
	if timeout <= 0 {
		timeout = neverExpires
	}
	_, err = e.ExecContext(ctx, stmt.CacheSet, key, string(data), c.now().Add(timeout))
	if err != nil {
		return fmt.Errorf("wechat cache %s: %w", key, err)
	}
	return nil
}

func (c *Cache) IsExistContext(ctx context.Context, key string) bool {
	_, ok, _ := c.get(ctx, c.db, key)
	return ok
}

func (c *Cache) DeleteContext(ctx context.Context, key string) error {
	_, err := c.db.ExecContext(ctx, stmt.CacheDelete, key)
	return err
}

// tokenSource hands out the account's access token (the SDK's
// credential.AccessTokenContextHandle). A token is fetched from
// cgi-bin/token only under a Postgres advisory lock on its cache key, after
// looking again: of several heed serve (or goroutines) finding it expired at
// once, one fetches and the others read what it stored.
type tokenSource struct {
	db     *sqlx.DB
	cache  *Cache
	appID  string
	secret string
	now    func() time.Time
	log    *slog.Logger
}

// tokenMargin: a token is dropped this long before WeChat's expires_in ends
// (7200 s), so no call starts with a token about to lapse.
const tokenMargin = 5 * time.Minute

// lockClass is the first key of heed's WeChat advisory locks; the second is
// hashtext(cache key).
const lockClass = locks.WeChatToken

func (t *tokenSource) key() string { return "heed_wechat_access_token_" + t.appID }

func (t *tokenSource) GetAccessToken() (string, error) {
	return t.GetAccessTokenContext(context.Background())
}

func (t *tokenSource) GetAccessTokenContext(ctx context.Context) (string, error) {
	if v, ok, err := t.cache.get(ctx, t.db, t.key()); err != nil {
		return "", fmt.Errorf("wechat access token: %w", err)
	} else if ok {
		return decodeToken(v)
	}
	return t.fetch(ctx)
}

func decodeToken(v string) (string, error) {
	var s string
	if err := json.Unmarshal([]byte(v), &s); err != nil || s == "" {
		return "", errors.New("wechat access token: cached value is not a token")
	}
	return s, nil
}

// fetch takes the lock, looks again, and only then asks WeChat.
func (t *tokenSource) fetch(ctx context.Context) (string, error) {
	tx, err := t.db.BeginTxx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("wechat access token: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.ExecContext(ctx, stmt.TokenLock, lockClass, t.key()); err != nil {
		return "", fmt.Errorf("wechat access token lock: %w", err)
	}
	// Read committed: this statement sees a token another process stored
	// while we waited for the lock.
	if v, ok, err := t.cache.get(ctx, tx, t.key()); err != nil {
		return "", fmt.Errorf("wechat access token: %w", err)
	} else if ok {
		return decodeToken(v)
	}
	q := url.Values{"grant_type": {"client_credential"}, "appid": {t.appID}, "secret": {t.secret}}
	raw, err := util.HTTPGetContext(ctx, wechatHost+"/cgi-bin/token?"+q.Encode())
	if err != nil {
		return "", redact(fmt.Errorf("wechat token: %w", err))
	}
	var res struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := decodeAnswer("token", raw, &res); err != nil {
		return "", err
	}
	if res.AccessToken == "" {
		return "", errors.New("wechat token: answer without access_token")
	}
	ttl := time.Duration(res.ExpiresIn)*time.Second - tokenMargin
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if err := t.cache.set(ctx, tx, t.key(), res.AccessToken, ttl); err != nil {
		return "", err
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("wechat access token: %w", err)
	}
	t.log.Info("wechat access token fetched", "expires_in", res.ExpiresIn)
	return res.AccessToken, nil
}

// invalidate drops token after WeChat refused it (40001, 42001) — only if
// it is still the cached one, so a token another process has just fetched
// is not thrown away as well.
func (t *tokenSource) invalidate(ctx context.Context, token string) error {
	v, _ := json.Marshal(token)
	if _, err := t.db.ExecContext(ctx, stmt.TokenInvalidate, t.key(), string(v)); err != nil {
		return fmt.Errorf("wechat access token: %w", err)
	}
	return nil
}
