package cases

import (
	"context"
	"fmt"
	"slices"
)

// consoleCaseQ are the statements of queries.sql's "-- console case" block:
// what the desk's case and owner pages read besides Get.
var consoleCaseQ struct {
	OwnerComplaints string `sql:"console-owner-complaints"`
}

func init() { querySets = append(querySets, &consoleCaseQ) }

// MaxOwnerComplaints is the most complaints of one owner OwnerComplaints gives.
const MaxOwnerComplaints = 200

// OwnerComplaints are every complaint of one owner across channels: those
// their chat identities (owner refs, "telegram:123") made and those that
// carry one of their phones — the same notion of "the same customer" the
// repeat rule has — newest first, at most MaxOwnerComplaints. Empty refs
// and phones are ignored.
func (s *Service) OwnerComplaints(ctx context.Context, refs, phones []string) ([]Case, error) {
	refs = slices.DeleteFunc(slices.Clone(refs), func(v string) bool { return v == "" })
	phones = slices.DeleteFunc(slices.Clone(phones), func(v string) bool { return v == "" })
	out := []Case{}
	if len(refs) == 0 && len(phones) == 0 {
		return out, nil
	}
	if err := s.db.SelectContext(ctx, &out, consoleCaseQ.OwnerComplaints, pqArray(refs), pqArray(phones), MaxOwnerComplaints); err != nil {
		return nil, fmt.Errorf("owner complaints: %w", err)
	}
	loc := s.cal.Location()
	for i := range out {
		out[i].ReceivedAt = out[i].ReceivedAt.In(loc)
	}
	return out, nil
}
