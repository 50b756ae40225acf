package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/heedhq/heed/cases"
)

// IntegrationToken is the name under which HEED_API_TOKEN acts and signs
// the case events it causes.
const IntegrationToken = "integration"

// Principal is who a request's bearer token speaks for.
type Principal struct {
	Token    string // the token's name: a person token's label, or IntegrationToken
	Person   string // the staff id a person token acts as; "" for the integration token
	ReadOnly bool
}

type principalKey struct{}

// PrincipalOf is the caller of an authenticated request.
func PrincipalOf(r *http.Request) Principal {
	p, _ := r.Context().Value(principalKey{}).(Principal)
	return p
}

func withPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// need is what a route asks of its caller before it acts; the lifecycle's
// own rules (cases.lifecycle) then decide each step on a case.
type need struct {
	kind int
	rule string // the refusal's words, naming the rule
}

const (
	needRecord = iota + 1
	needCase
	needOversee
	needOperate
	needDeskRead
)

var (
	// record is recording a staff-taken complaint (phone, walk-in, letter,
	// email): any staff member, or the integration.
	record = need{kind: needRecord}
	// onCase is a step on a case: a person, under the lifecycle's rules, or
	// the integration in the system's standing (what the procedure gives
	// the system: dispatch, archive, flag major; no step reserved to a person).
	onCase = need{kind: needCase}
	// operate is mending delivery (retrying a dead letter): the integration
	// or the complaint desk.
	operate = need{kind: needOperate, rule: "dead letters are retried by the integration or by the complaint desk (specialists, the quality representative, the general manager)"}
)

// deskRead is reading what team chat shows only the complaint desk (the
// analysis, the revisit call list, bulletins' and surveys' progress, dead
// letters): specialists, the quality representative, the general manager,
// or the integration, which may read.
func deskRead(rule string) need { return need{kind: needDeskRead, rule: rule} }

// requiring runs h only for a caller who meets n.
func (a *API) requiring(n need, h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := a.act(r, "", n); err != nil {
			return err
		}
		return h(w, r)
	}
}

// oversee is a step of the complaint desk (bulletins, surveys): specialists,
// the quality representative or the general manager; rule says so in the
// route's words.
func oversee(rule string) need { return need{kind: needOversee, rule: rule} }

// act is the one place the API decides who acts: the caller's token, and
// the body's "actor" only as a check (absent means the token's person; a
// different person is 403). It returns the actor the case core records,
// signed with the token's name, or the refusal.
func (a *API) act(r *http.Request, claimed string, n need) (cases.Actor, error) {
	p := PrincipalOf(r)
	if p.Token == "" { // a route outside auth: no one to act as
		return cases.Actor{}, forbidden("", "no token: this route is not behind the API's authentication")
	}
	signed := "token:" + p.Token
	if p.Person == "" {
		if claimed != "" && claimed != IntegrationToken {
			return cases.Actor{}, forbidden("actor", "the integration token (HEED_API_TOKEN) acts as itself, not as %q: that person acts with their own token (heed token create --person %s)", claimed, claimed)
		}
		switch n.kind {
		case needRecord, needCase, needOperate, needDeskRead:
			return cases.Actor{Kind: cases.ActorSystem, ID: IntegrationToken, Channel: cases.ChannelAPI, PlatformUser: signed}, nil
		}
		return cases.Actor{}, forbidden("", "%s; the integration token acts for no person", n.rule)
	}
	if claimed != "" && claimed != p.Person {
		return cases.Actor{}, forbidden("actor", "this token acts as %s, not as %q", p.Person, claimed)
	}
	ref, ok := a.svc.Config().StaffByID(p.Person)
	if !ok {
		return cases.Actor{}, forbidden("", "the token's person %q is no longer on the staff", p.Person)
	}
	if (n.kind == needOversee || n.kind == needOperate || n.kind == needDeskRead) && !ref.Oversees() {
		return cases.Actor{}, forbidden("", "%s", n.rule)
	}
	return cases.Actor{Kind: cases.ActorStaff, ID: p.Person, Channel: cases.ChannelAPI, PlatformUser: signed}, nil
}

func forbidden(field, format string, args ...any) *cases.Error {
	return &cases.Error{Code: cases.CodeForbidden, Field: field, Message: fmt.Sprintf(format, args...)}
}

// forPerson says, when the lifecycle refuses the integration a step, that
// the step is reserved to a person (details.needs names who).
func forPerson(a cases.Actor, err error) error {
	var e *cases.Error
	if a.Kind == cases.ActorSystem && errors.As(err, &e) && e.Code == cases.CodeForbidden {
		return &cases.Error{Code: e.Code, Field: e.Field, Details: e.Details,
			Message: e.Message + ": the step is reserved to a person, who takes it with their own token"}
	}
	return err
}
