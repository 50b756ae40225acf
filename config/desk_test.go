package config

import (
	"strings"
	"testing"
	"time"
)

// TestDeskSpans: the desk's lifetimes default when unset, are elapsed time,
// and a sign-in link lives at most an hour.
func TestDeskSpans(t *testing.T) {
	var d Desk
	if d.LinkLifetime() != 10*time.Minute || d.SessionLifetime() != 7*24*time.Hour || d.IdleLifetime() != 24*time.Hour {
		t.Errorf("defaults: %v %v %v", d.LinkLifetime(), d.SessionLifetime(), d.IdleLifetime())
	}
	d = Desk{LinkTTL: "5m", SessionTTL: "12h", IdleTTL: "90m"}
	if d.LinkLifetime() != 5*time.Minute || d.SessionLifetime() != 12*time.Hour || d.IdleLifetime() != 90*time.Minute {
		t.Errorf("set: %v %v %v", d.LinkLifetime(), d.SessionLifetime(), d.IdleLifetime())
	}
	for _, tc := range []struct {
		desk Desk
		key  string
	}{
		{Desk{LinkTTL: "2h"}, "desk.link_ttl"},
		{Desk{SessionTTL: "3wd"}, "desk.session_ttl"},
		{Desk{IdleTTL: "soon"}, "desk.idle_ttl"},
	} {
		var p problems
		c := &Config{Desk: tc.desk}
		c.validateDesk(&p)
		if len(p) != 1 || !strings.HasPrefix(p[0].Error(), tc.key+":") {
			t.Errorf("%+v: %v, want one problem of %s", tc.desk, p, tc.key)
		}
	}
}
