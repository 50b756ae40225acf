package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

// The owner (业主): every complaint of theirs across channels — those of
// their chat identities and those carrying their phone, the repeat rule's
// notion of the same customer — with each identity's language and
// opt-outs, reached from any of their cases.
//
// An owner is addressed by a chat identity, the owner ref heed keeps
// ("telegram:123", "wechat:o…", "web:…"), or — for a complaint taken by
// phone, which has none — as the owner of a case: "case:TS-2026-000123".
// A phone number is never part of an address.

// ownerOfCase prefixes the serial of a case whose owner a page is about.
const ownerOfCase = "case:"

// ownerView is the owner page's data.
type ownerView struct {
	Name       string
	Phones     []string // as the person may see them
	Identities []conversation.OwnerIdentity
	Cases      []ownerCase
	Capped     bool
}

type ownerCase struct {
	*cases.Case
	Phone string
}

// ownerPage is GET /desk/owners/{id}.
func (c *Console) ownerPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PersonOf(r)
	id := r.PathValue("id")
	var refs, phones []string
	if serial, ok := strings.CutPrefix(id, ownerOfCase); ok {
		k, err := c.svc.Get(ctx, serial)
		if err != nil {
			return err
		}
		refs, phones = []string{k.OwnerRef}, []string{k.ContactPhone}
	} else if strings.Contains(id, ":") {
		refs = []string{id}
	}
	ids, err := conversation.OwnerIdentities(ctx, c.db, nonEmpty(refs))
	if err != nil {
		return err
	}
	for _, o := range ids {
		phones = append(phones, o.Phone)
	}
	found, err := c.svc.OwnerComplaints(ctx, refs, phones)
	if err != nil {
		return err
	}
	// One step further: the phones and identities their complaints carry
	// (a Telegram owner who gave the phone a walk-in complaint has).
	more := false
	for _, k := range found {
		if k.OwnerRef != "" && !slices.Contains(refs, k.OwnerRef) {
			refs, more = append(refs, k.OwnerRef), true
		}
		if k.ContactPhone != "" && !slices.Contains(phones, k.ContactPhone) {
			phones, more = append(phones, k.ContactPhone), true
		}
	}
	if more {
		if found, err = c.svc.OwnerComplaints(ctx, refs, phones); err != nil {
			return err
		}
		if ids, err = conversation.OwnerIdentities(ctx, c.db, nonEmpty(refs)); err != nil {
			return err
		}
	}
	if len(found) == 0 && !known(ids) {
		return &cases.Error{Code: cases.CodeNotFound, Message: "no such owner"}
	}
	v := ownerView{Identities: ids, Capped: len(found) >= cases.MaxOwnerComplaints}
	for i := range found {
		k := &found[i]
		p.Texts(k)
		v.Cases = append(v.Cases, ownerCase{Case: k, Phone: p.Phone(k)})
		if v.Name == "" {
			v.Name = k.CustomerName
		}
	}
	for _, o := range ids {
		if v.Name == "" {
			v.Name = o.Name
		}
	}
	for _, ph := range nonEmpty(phones) {
		if p.Role != config.RoleSpecialist {
			ph = cases.MaskPhone(ph)
		}
		if !slices.Contains(v.Phones, ph) {
			v.Phones = append(v.Phones, ph)
		}
	}
	return c.render(w, r, http.StatusOK, "owner", v)
}

// known says whether heed has talked to any of the identities.
func known(ids []conversation.OwnerIdentity) bool {
	for _, o := range ids {
		if o.LastSeen != nil || o.Name != "" || o.Phone != "" || o.OptedOut || o.BlockedAt != nil {
			return true
		}
	}
	return false
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// LangName names a language tag an owner uses ("zh-CN", "en").
func (v *View) LangName(tag string) string {
	for l, name := range langNames {
		if strings.EqualFold(string(l), tag) {
			return name
		}
	}
	if tag == "" {
		return "—"
	}
	return tag
}
