package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/cases/sqlset"
)

//go:embed queries.sql
var queriesSQL string

// q holds the statements of queries.sql, filled and checked once: New and
// the token functions fail on a missing or unused block.
var q struct {
	InsertToken string `sql:"insert-token"`
	Tokens      string `sql:"tokens"`
	RevokeToken string `sql:"revoke-token"`
	TokenByHash string `sql:"token-by-hash"`
}

var loadQueries = sync.OnceValue(func() error { return sqlset.Load(&q, "bots/api", queriesSQL) })

// tokenPrefix marks heed's person tokens (and lets secret scanners find them).
const tokenPrefix = "heed_"

// Token is a person's API token as stored: its hash, never the token.
type Token struct {
	ID        int64      `db:"id" json:"id"`
	Name      string     `db:"name" json:"name"`
	Person    string     `db:"person" json:"person"`
	ReadOnly  bool       `db:"read_only" json:"read_only"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	ExpiresAt *time.Time `db:"expires_at" json:"expires_at,omitempty"`
	RevokedAt *time.Time `db:"revoked_at" json:"revoked_at,omitempty"`
	hash      []byte
}

// ErrTokenName is a token name already held by a live token.
var ErrTokenName = errors.New("a live token already has this name")

// ErrNoToken is a token that is not there to revoke.
var ErrNoToken = errors.New("no live token by that name or id")

func hashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateToken makes a token for person (a staff id the caller has checked)
// and returns it: the only time it exists outside the caller's hands. ttl 0
// never expires.
func CreateToken(ctx context.Context, db *sqlx.DB, person, name string, ttl time.Duration, readOnly bool, now time.Time) (string, Token, error) {
	if err := loadQueries(); err != nil {
		return "", Token{}, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", Token{}, err
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := Token{Name: name, Person: person, ReadOnly: readOnly, CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	err := db.QueryRowxContext(ctx, q.InsertToken, name, person, hashToken(secret), readOnly, now, t.ExpiresAt).Scan(&t.ID)
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23505" {
		return "", Token{}, fmt.Errorf("token %q: %w", name, ErrTokenName)
	}
	return secret, t, err
}

// ListTokens lists every token, live or not, newest first.
func ListTokens(ctx context.Context, db *sqlx.DB) ([]Token, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	var out []Token
	err := db.SelectContext(ctx, &out, q.Tokens)
	return out, err
}

// RevokeToken ends the live token named (or numbered) ref.
func RevokeToken(ctx context.Context, db *sqlx.DB, ref string, now time.Time) (Token, error) {
	if err := loadQueries(); err != nil {
		return Token{}, err
	}
	id, _ := strconv.ParseInt(ref, 10, 64)
	var t Token
	err := db.GetContext(ctx, &t, q.RevokeToken, ref, id, now)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("%q: %w", ref, ErrNoToken)
	}
	return t, err
}

// lookupToken finds a person token by its hash and compares the hash in
// constant time. It reads the database on every call (no cache), so a
// revocation holds at once on every replica. (New has loaded the queries.)
func lookupToken(ctx context.Context, db *sqlx.DB, secret string) (*Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, nil
	}
	h := hashToken(secret)
	var t Token
	err := db.QueryRowxContext(ctx, q.TokenByHash, h).Scan(&t.ID, &t.Name, &t.Person, &t.ReadOnly, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(t.hash, h) != 1 {
		return nil, nil
	}
	return &t, nil
}
