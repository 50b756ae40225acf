package desk

import (
	"context"
	"errors"
	"strconv"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// Person is a staff member acting at the desk: who they are in the
// configuration, and through what they act — the channel the case's
// history records and, in team chat, their platform identity. Every staff
// action is taken by a known person, never an actor string taken on trust.
type Person struct {
	config.StaffRef
	Channel cases.Channel // slack, telegram; api for a person's token or the browser console
	User    string        // the platform's id of them (Slack U…, Telegram user id); "" off team chat
}

func (p Person) actor() cases.Actor {
	a := cases.Actor{Kind: cases.ActorStaff, ID: p.Staff.ID, Channel: p.Channel}
	if p.User != "" {
		a.PlatformUser = string(p.Channel) + ":" + p.User
	}
	return a
}

// PersonOf finds the staff member behind a team-chat identity: the Slack
// user or Telegram user id the configuration gives them.
func (d *Desk) PersonOf(platform, user string) (Person, bool) {
	var ref config.StaffRef
	ok := false
	switch platform {
	case "slack":
		ref, ok = d.cfg.StaffBySlack(user)
	case "telegram":
		id, err := strconv.ParseInt(user, 10, 64)
		if err != nil {
			return Person{}, false
		}
		ref, ok = d.cfg.StaffByTelegram(id)
	}
	return Person{StaffRef: ref, Channel: cases.Channel(platform), User: user}, ok
}

// StaffMember is the staff member with id acting through ch: a person's
// API token, a signed-in console session (cases.ChannelAPI).
func (d *Desk) StaffMember(id string, ch cases.Channel) (Person, bool) {
	ref, ok := d.cfg.StaffByID(id)
	return Person{StaffRef: ref, Channel: ch}, ok
}

// Available is an action a person may take on a case now, as a button of
// a console: what ActAs takes (Name) and what its form asks (Needs).
type Available struct {
	Name  string `json:"name"`  // StaffAction.Action
	Label string `json:"label"` // 受理
	Style string `json:"style,omitempty"`
	// Needs is what the action asks for before it can be applied ("" for
	// nothing): "text", "department", "handler", or a side path's input
	// (InputAssisting, InputResponsibility). FormAs gives the form.
	Needs string `json:"needs,omitempty"`
	Field string `json:"field,omitempty"` // what the input is called: 处理措施
}

// Actions lists the actions p may take on the case now, in the order of
// the procedure — the same rules Act applies, so a console offers only
// what will not be refused (unless someone else acts first). A case that
// does not exist is a cases.Error (CodeNotFound).
func (d *Desk) Actions(ctx context.Context, p Person, serial string) ([]Available, error) {
	acts := make([]cases.Action, len(actionOrder))
	for i, name := range actionOrder {
		acts[i] = deskActions[name].base
	}
	c, errs, err := d.svc.MayEach(ctx, p.actor(), serial, acts)
	if err != nil {
		return nil, err
	}
	out := []Available{}
	for i, name := range actionOrder {
		spec := deskActions[name]
		if errs[i] != nil || spec.narrowed(d.cfg, p.actor(), c) != nil {
			var e *cases.Error
			if errs[i] != nil && !errors.As(errs[i], &e) {
				return nil, errs[i]
			}
			continue
		}
		out = append(out, Available{Name: name, Label: spec.label, Style: spec.style, Needs: spec.needs(), Field: spec.field})
	}
	return out, nil
}
