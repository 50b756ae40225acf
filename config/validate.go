package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Validate and the pieces every section's checks share; the sections are
// checked in validate_*.go (and surveys.go, paths.go), each next to the
// others of its kind.

// FieldError is one configuration problem, tied to the key it is about:
// a YAML key path such as "departments[2].managers[0].slack", or the name of
// an environment variable for values that come only from there.
type FieldError struct {
	Key string
	Msg string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Msg }

type problems []error

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// Validate checks the whole configuration and returns every problem found,
// joined (errors.Join), each a *FieldError naming its key. Load calls it.
func (c *Config) Validate() error {
	var p problems
	c.validateCompany(&p)
	c.validateServer(&p)
	c.validateCalendar(&p)
	c.validateClock(&p)
	c.validateRules(&p)
	c.validateSignals(&p)
	c.validatePeople(&p)
	c.validateCategories(&p)
	c.validateCommunities(&p)
	c.validateConversation(&p)
	c.validateSurveys(&p)
	c.validatePlatforms(&p)
	c.validatePaths(&p)
	c.validateDesk(&p)
	return errors.Join(p...)
}

// reID is the shape of every id: staff, departments, categories,
// communities, surveys, template names.
var reID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)

// checkID checks an id's shape and that it is unique in seen (id → key).
func checkID(p *problems, key, id, what string, seen map[string]string) {
	switch {
	case id == "":
		p.add(key, "required")
	case !reID.MatchString(id):
		p.add(key, "%q is not an id (letters, digits, _ . -; at most 32)", id)
	default:
		if first, dup := seen[id]; dup {
			p.add(key, "duplicate %s id %q (also %s)", what, id, first)
			return
		}
		seen[id] = key
	}
}

// checkSpan checks one span setting with the grammar its users parse it
// with (ParseSpan), so every value that passes means what it says.
func checkSpan(p *problems, key, v string) {
	if v == "" { // the default
		return
	}
	if _, err := ParseSpan(v); err != nil {
		p.add(key, "%v", err)
	}
}

// checkURL checks an optional http(s) URL: a platform's API base, a
// template message's link.
func checkURL(p *problems, key, v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add(key, "%q is not an http(s) URL", v)
	}
}

// Languages are the languages heed speaks.
var Languages = []string{"zh-CN", "zh-TW", "en"}

func (c *Config) validateCompany(p *problems) {
	if strings.TrimSpace(c.Company.Name) == "" {
		p.add("company.name", "required: the bot speaks in the company's name")
	}
	for i, e := range c.Company.Emergency {
		if strings.TrimSpace(e) == "" {
			p.add(fmt.Sprintf("company.emergency_numbers[%d]", i), "empty")
		}
	}
	lang := c.Company.DefaultLanguage
	if lang == "" {
		lang = DefaultLanguage
	}
	if !slices.Contains(Languages, lang) {
		p.add("company.default_language", "%q is not one of zh-CN, zh-TW, en", c.Company.DefaultLanguage)
	}
}

func (c *Config) validateServer(p *problems) {
	if c.Listen != "" { // "" means the default
		host, port, err := net.SplitHostPort(c.Listen)
		n, perr := strconv.Atoi(port)
		switch {
		case err != nil:
			p.add("listen", "%q is not host:port", c.Listen)
		case perr != nil || n < 0 || n > 65535:
			p.add("listen", "%q: port must be a number 0–65535", c.Listen)
		case strings.ContainsAny(host, " /"):
			p.add("listen", "%q is not host:port", c.Listen)
		}
	}
	if c.Serial.Format != "" {
		if msg := checkSerial(c.Serial.Format); msg != "" {
			p.add("serial.format", "%s", msg)
		}
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add("public_url", "%q: want heed's public base URL, e.g. https://heed.example.com", c.PublicURL)
		}
	}
	w := c.WebChat
	for i, n := range []int{w.UploadMBPerSession, w.UploadMBPerDraft, w.MessagesPerMinute, w.MessagesPerMinutePerIP} {
		if n < 0 {
			key := []string{"upload_mb_per_session", "upload_mb_per_draft", "messages_per_minute", "messages_per_minute_per_ip"}[i]
			p.add("web_chat."+key, "%d: must be 0 (the default) or more", n)
		}
	}
	for i, cidr := range w.TrustedProxies {
		if _, err := netip.ParsePrefix(cidr); err != nil {
			if _, err := netip.ParseAddr(cidr); err != nil {
				p.add(fmt.Sprintf("web_chat.trusted_proxies[%d]", i), "%q: want an address or CIDR such as 10.0.0.0/8", cidr)
			}
		}
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql" && !strings.Contains(c.DatabaseURL, "=")) {
			// Don't echo the value: it usually holds a password.
			p.add("database_url", "not a PostgreSQL URL (postgres://user:pass@host/db) or key=value connection string")
		}
	}
}

var reSerialToken = regexp.MustCompile(`\{([a-z]+)(?::(\d+))?\}`)

// checkSerial mirrors the syntax rules of the serial-number template
// ({yyyy}, {yy}, {seq} or {seq:N}; {seq} once; a year; URL-safe).
func checkSerial(s string) string {
	seqs, years := 0, 0
	for _, m := range reSerialToken.FindAllStringSubmatch(s, -1) {
		switch m[1] {
		case "seq":
			seqs++
		case "yyyy", "yy":
			years++
		default:
			return fmt.Sprintf("unknown placeholder {%s} (use {yyyy}, {yy}, {seq:N})", m[1])
		}
		if m[2] != "" {
			if w, _ := strconv.Atoi(m[2]); w < 1 || w > 12 {
				return fmt.Sprintf("width of {%s} must be 1–12", m[1])
			}
		}
	}
	switch {
	case seqs != 1:
		return fmt.Sprintf("%q must contain {seq} exactly once", s)
	case years == 0:
		return fmt.Sprintf("%q must contain the year ({yyyy} or {yy}): numbering restarts each year", s)
	case strings.ContainsAny(s, "/?#% "):
		return fmt.Sprintf("%q must not contain spaces or / ? # %%: serials appear in URLs", s)
	}
	return ""
}

// validateConversation checks the emergency and urgent words: none empty,
// none twice, none in both lists.
func (c *Config) validateConversation(p *problems) {
	// words checks one list; also, when set, names the other list a word
	// may not be in as well.
	words := func(list string, ws []string, also map[string]bool) map[string]bool {
		seen := map[string]bool{}
		for i, w := range ws {
			key := fmt.Sprintf("conversation.%s[%d]", list, i)
			w = strings.TrimSpace(w)
			switch {
			case w == "":
				p.add(key, "empty")
			case seen[w]:
				p.add(key, "%q listed twice", w)
			case also[w]:
				p.add(key, "%q is also an emergency word: list it once", w)
			}
			seen[w] = true
		}
		return seen
	}
	words("urgent_words", c.Conversation.UrgentWords, words("emergency_words", c.Conversation.EmergencyWords, nil))
}
