package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// deskQ are the statements of queries.sql's "-- desk" block.
var deskQ struct {
	CaseOwners   string `sql:"case-owners"`
	ClaimSetting string `sql:"claim-setting"`
}

func init() { querySets = append(querySets, &deskQ) }

// What the complaint desk (package notify/desk) and the revisit commands
// ask of the cases, so that no other package reads or writes this
// package's tables or spells its states in SQL.

// CaseForUpdate loads a case by serial inside tx and locks its row until tx
// ends (without its details): a staff command that decides on the case as
// it is now. A missing case is a CodeNotFound error.
func (s *Service) CaseForUpdate(ctx context.Context, tx *sqlx.Tx, serial string) (*Case, error) {
	var c Case
	err := tx.GetContext(ctx, &c, q.CaseBySerialForUpdate, serial)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(CodeNotFound, "no case %q", serial)
	}
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", serial, err)
	}
	return &c, nil
}

// CaseOwner is who complained in a case: the owner's chat identity
// ("channel:user", "" when staff recorded it for them) and the language
// they talk to heed in.
type CaseOwner struct {
	Serial   string `db:"serial"`
	OwnerRef string `db:"owner_ref"`
	Language string `db:"language"`
}

// CaseOwners are the owners of the cases with the serials, in the order
// the cases were received; a serial of no case is left out.
func (s *Service) CaseOwners(ctx context.Context, db sqlx.QueryerContext, serials []string) ([]CaseOwner, error) {
	var out []CaseOwner
	if err := sqlx.SelectContext(ctx, db, &out, deskQ.CaseOwners, pqArray(serials)); err != nil {
		return nil, fmt.Errorf("case owners: %w", err)
	}
	return out, nil
}

// ClaimOnce records the shared setting name (with value) inside tx unless
// it exists, and reports whether this call made it: of several heed serve
// doing the same thing once (the quarter's report), the one that claimed
// it does it.
func (s *Service) ClaimOnce(ctx context.Context, tx *sqlx.Tx, name, value string) (bool, error) {
	r, err := tx.ExecContext(ctx, deskQ.ClaimSetting, name, value)
	if err != nil {
		return false, fmt.Errorf("setting %s: %w", name, err)
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// MayEach reports, for each of acts, whether a may take it on the case now
// (nil) or the refusal May would give, loading the case once: the actions a
// person can take, as a console lists them. The case is returned as it is.
func (s *Service) MayEach(ctx context.Context, a Actor, serial string, acts []Action) (*Case, []error, error) {
	c, err := s.Get(ctx, serial)
	if err != nil {
		return nil, nil, err
	}
	out := make([]error, len(acts))
	for i, act := range acts {
		out[i] = s.mayOn(a, c, act)
	}
	return c, out, nil
}
