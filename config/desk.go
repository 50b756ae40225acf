package config

import "time"

// Desk is the complaint desk in a browser (/desk/, bots/console): how long
// a sign-in link and a session last. Each is an elapsed span ("10m", "12h",
// "7d"); empty is the default.
type Desk struct {
	// LinkTTL is how long a sign-in link sent to a person's Slack or
	// Telegram works (once): default 10m, at most 1h.
	LinkTTL string `yaml:"link_ttl"`
	// SessionTTL is how long a signed-in browser stays signed in at most:
	// default 7d.
	SessionTTL string `yaml:"session_ttl"`
	// IdleTTL signs a browser out after this long without a request:
	// default 24h.
	IdleTTL string `yaml:"idle_ttl"`
}

// Defaults of the desk's spans.
const (
	DefaultDeskLinkTTL    = 10 * time.Minute
	DefaultDeskSessionTTL = 7 * 24 * time.Hour
	DefaultDeskIdleTTL    = 24 * time.Hour
	maxDeskLinkTTL        = time.Hour
)

// LinkLifetime is LinkTTL as a duration (the default when unset).
func (d Desk) LinkLifetime() time.Duration { return elapsedOr(d.LinkTTL, DefaultDeskLinkTTL) }

// SessionLifetime is SessionTTL as a duration (the default when unset).
func (d Desk) SessionLifetime() time.Duration { return elapsedOr(d.SessionTTL, DefaultDeskSessionTTL) }

// IdleLifetime is IdleTTL as a duration (the default when unset).
func (d Desk) IdleLifetime() time.Duration { return elapsedOr(d.IdleTTL, DefaultDeskIdleTTL) }

func elapsedOr(spec string, def time.Duration) time.Duration {
	if s, err := ParseSpan(spec); err == nil && s.Unit == SpanElapsed {
		return s.D
	}
	return def
}

func (c *Config) validateDesk(p *problems) {
	for _, kv := range [][2]string{{"desk.link_ttl", c.Desk.LinkTTL}, {"desk.session_ttl", c.Desk.SessionTTL}, {"desk.idle_ttl", c.Desk.IdleTTL}} {
		key, v := kv[0], kv[1]
		if v == "" {
			continue
		}
		s, err := ParseSpan(v)
		switch {
		case err != nil:
			p.add(key, "%v", err)
		case s.Unit != SpanElapsed:
			p.add(key, "%q: want elapsed time such as 10m, 12h or 7d, not working time or months", v)
		case key == "desk.link_ttl" && s.D > maxDeskLinkTTL:
			p.add(key, "%q: a sign-in link lives at most 1h", v)
		}
	}
}
