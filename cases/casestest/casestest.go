// Package casestest gives tests a real PostgreSQL database of their own,
// cloned from a migrated template, and the example company's configuration.
// It needs TEST_DATABASE_URL (or DATABASE_URL): scripts/test provides one.
package casestest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"github.com/heedhq/heed/cases/locks"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// ServerURL is the URL of the test server's maintenance database.
func ServerURL(t testing.TB) string {
	t.Helper()
	for _, k := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	t.Fatal("no TEST_DATABASE_URL: run the tests with scripts/test, which starts a PostgreSQL for them")
	return ""
}

func withDB(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// template makes (once per schema, shared by all test binaries) a migrated
// database to clone. An advisory lock keeps test packages running in
// parallel from building it twice.
func template(ctx context.Context, server string) (string, error) {
	templateOnce.Do(func() {
		h := sha256.New()
		for _, name := range cases.MigrationNames() {
			io.WriteString(h, name)
		}
		io.WriteString(h, cases.MigrationDigest())
		name := "heed_tpl_" + hex.EncodeToString(h.Sum(nil))[:12]
		templateName = name
		templateErr = func() error {
			admin, err := sql.Open("postgres", server)
			if err != nil {
				return err
			}
			defer admin.Close()
			conn, err := admin.Conn(ctx)
			if err != nil {
				return fmt.Errorf("connect to %s: %w", redact(server), err)
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, locks.TestTemplate); err != nil {
				return err
			}
			defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, locks.TestTemplate) //nolint:errcheck
			var exists bool
			if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
				return err
			}
			if exists {
				return nil
			}
			building := name + "_building"
			conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+building) //nolint:errcheck
			if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+building); err != nil {
				return err
			}
			db, err := sql.Open("postgres", withDB(server, building))
			if err != nil {
				return err
			}
			err = cases.Migrate(ctx, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
			db.Close()
			if err != nil {
				return err
			}
			_, err = conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+name)
			return err
		}()
	})
	return templateName, templateErr
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "the database"
	}
	return p.Redacted()
}

// URL creates a fresh, migrated database for this test and returns its URL.
// The database is dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	server := ServerURL(t)
	tpl, err := template(ctx, server)
	if err != nil {
		t.Fatalf("test database template: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "heed_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	for attempt := 0; ; attempt++ {
		_, err = admin.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tpl))
		if err == nil || attempt > 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("postgres", server)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) //nolint:errcheck
	})
	return withDB(server, name)
}

// EmptyURL creates a database with no schema at all (for migration tests),
// dropped when the test ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	server := ServerURL(t)
	var b [6]byte
	rand.Read(b[:])
	name := "heed_empty_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create empty database: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("postgres", server); err == nil {
			a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) //nolint:errcheck
			a.Close()
		}
	})
	return withDB(server, name)
}

// DB opens a fresh, migrated database for this test.
func DB(t testing.TB) *sqlx.DB {
	t.Helper()
	db, err := cases.Open(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Root is the repository's root folder.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}

// Config loads the example company, examples/heed.yaml, with no environment.
func Config(t testing.TB) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join(Root(t), "examples", "heed.yaml"), func(string) string { return "" })
	if err != nil {
		t.Fatalf("example config: %v", err)
	}
	return cfg
}

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Service is a case service on a fresh database with the example company and
// the given clock. Dispatch is manual, so tests drive every step themselves.
func Service(t testing.TB, clock *Clock) (*cases.Service, *sqlx.DB) {
	t.Helper()
	cfg := Config(t)
	cfg.Rules.Dispatch = "manual"
	return ServiceWith(t, clock, cfg)
}

// ServiceWith is Service with a configuration of the test's own.
func ServiceWith(t testing.TB, clock *Clock, cfg *config.Config) (*cases.Service, *sqlx.DB) {
	t.Helper()
	db := DB(t)
	svc, err := cases.NewService(db, cfg, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return svc, db
}

// URLOf is the URL of the test database db is open on, for a second
// connection of its own (a LISTEN, as cases.Feed makes).
func URLOf(t testing.TB, db *sqlx.DB) string {
	t.Helper()
	var name string
	if err := db.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	return withDB(ServerURL(t), name)
}
