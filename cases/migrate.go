package cases

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"github.com/heedhq/heed/cases/locks"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(locks.Migrate), lock.WithLockTimeout(1, 600))
	if err != nil {
		return nil, err
	}
	// Out of order is allowed: a migration written alongside a later one
	// (several people at once) still applies where the later one already has.
	return goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithAllowOutofOrder(true),
		goose.WithSessionLocker(locker), goose.WithTableName("heed_schema_migrations"))
}

// Migrate applies every pending migration under a Postgres advisory lock. It
// is safe to run concurrently and repeatedly.
func Migrate(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	p, err := provider(db)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range res {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// SchemaStatus reports the database's schema version and the version this
// binary needs; serve refuses to start on an old schema.
func SchemaStatus(ctx context.Context, db *sql.DB) (current, want int64, err error) {
	p, err := provider(db)
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

// MigrationNames lists the embedded migration files in order.
func MigrationNames() []string {
	entries, _ := fs.ReadDir(migrationFiles, "migrations")
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

// MigrationDigest is a hash of the migrations' contents: test templates are
// rebuilt whenever a migration changes.
func MigrationDigest() string {
	h := sha256.New()
	for _, n := range MigrationNames() {
		b, _ := migrationFiles.ReadFile("migrations/" + n)
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}
