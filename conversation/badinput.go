package conversation

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify"
)

// Bad input answered, nothing lost. A message the engine cannot take as it
// is — bytes that are not UTF-8, a text longer than rules.max_text_bytes, a
// button it does not know, an owner writing faster than a person does — is
// recorded in the transcript and answered. None of them is an error: a
// platform retries an error for ever (Telegram) or gives up on a refusal
// (WeChat), and either way the owner is left without an answer.

// transcriptCap is the most of one owner message the transcript keeps. The
// platforms' bodies are bounded at 1 MB; a text over rules.max_text_bytes
// is kept whole up to this cap, and the cut beyond it is recorded in the
// line itself.
const transcriptCap = 256 << 10

// sanitize makes every text of in storable: PostgreSQL refuses bytes that
// are not UTF-8 and NUL in text, so both become U+FFFD.
func sanitize(in *Inbound) {
	for _, s := range []*string{&in.ChatID, &in.UserID, &in.MessageID, &in.Name, &in.Text, &in.Button,
		&in.LanguageHint, &in.Ref, &in.Edits} {
		*s = storable(*s)
	}
	if in.Contact != nil {
		in.Contact.Phone, in.Contact.Name = storable(in.Contact.Phone), storable(in.Contact.Name)
	}
	if in.Location != nil {
		in.Location.Label = storable(in.Location.Label)
	}
}

func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// capLine keeps at most transcriptCap bytes of an owner's line, cut at a
// character, and says how much was not kept.
func (t *turn) capLine(line string) string {
	if len(line) <= transcriptCap {
		return line
	}
	cut := transcriptCap
	for cut > 0 && !isRuneStart(line[cut]) {
		cut--
	}
	return line[:cut] + t.e.cat.text(t.lang, "transcript.cut", map[string]any{"N": len(line) - cut})
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// badInput answers what the conversation cannot take; it reports whether it
// did. throttled is an owner over rules.owner_rate (told: tell them once).
func (t *turn) badInput(throttled, tell bool) (bool, error) {
	switch {
	case throttled:
		// Kept in the transcript, nothing else: no step, no case, no answer
		// but the one notice per interval.
		t.in.Also = nil
		if tell {
			t.noteWith("owner.too_fast", nil)
		}
		return true, nil
	case len(t.in.Text) > t.maxText():
		t.in.Also = withoutChoiceEdit(t.in.Also)
		t.noteWith("content_too_long", nil)
		return true, nil
	}
	stale, err := t.staleButton()
	if err != nil || !stale {
		return false, err
	}
	t.in.Also = withoutChoiceEdit(t.in.Also)
	for i, m := range t.in.Also {
		if m.Kind == notify.KindAnswerCallback {
			t.in.Also[i].Payload.Text = t.t("button.stale")
			return true, nil // Telegram shows it on the button itself
		}
	}
	t.noteWith("button.stale", nil)
	return true, nil
}

func (t *turn) maxText() int {
	if n := t.e.cfg.Rules.MaxTextBytes; n > 0 {
		return n
	}
	return 64 << 10
}

// withoutChoiceEdit drops the edit that would show a choice as made under
// its question: it was not taken.
func withoutChoiceEdit(also []notify.Message) []notify.Message {
	return slices.DeleteFunc(slices.Clone(also), func(m notify.Message) bool { return m.Kind == notify.KindEditChoice })
}

// staleButton reports whether a pressed button is one heed cannot take: not
// among the choices now offered, and not data that stands on its own (a
// command, a language, a category, an answer about one of the owner's own
// cases, a survey's answer). An old keyboard after an upgrade, a case that
// is gone, or data nobody sent.
func (t *turn) staleButton() (bool, error) {
	if t.in.Kind != KindButton {
		return false, nil
	}
	data := t.in.Button
	for _, c := range t.st.Choices {
		if c.Data == data {
			return false, nil
		}
	}
	if l, ok := strings.CutPrefix(data, "lang:"); ok {
		return !slices.Contains(Languages, l), nil
	}
	kind, parts, ok := ParseData(data)
	if !ok {
		return true, nil
	}
	switch kind {
	case DataCommand:
		return !knownCommand(parts[0]), nil
	case DataCategory:
		_, known := t.e.cfg.Category(parts[0])
		return parts[0] != otherCategory && !known, nil
	case DataSurvey:
		_, err := strconv.ParseInt(parts[0], 10, 64)
		return len(parts) != 3 || err != nil, nil
	case DataFeedback:
		if len(parts) != 2 || parts[0] != "yes" && parts[0] != "no" {
			return true, nil
		}
		return t.notOwnCase(parts[1])
	case DataRevisit:
		if len(parts) != 3 || !slices.Contains([]string{"t", "s", "a"}, parts[0]) {
			return true, nil
		}
		if n, err := strconv.Atoi(parts[1]); err != nil || n < 1 || n > 5 {
			return true, nil
		}
		return t.notOwnCase(parts[2])
	}
	return true, nil // a staff card's action has no place in an owner's chat
}

// knownCommand reports whether name is a command the engine takes.
func knownCommand(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range commands {
		if c == name {
			return true
		}
	}
	return false
}

// notOwnCase reports whether serial is not a case of this owner's.
func (t *turn) notOwnCase(serial string) (bool, error) {
	own, err := t.e.svc.IsOwnersCase(t.ctx, t.tx, serial, t.in.OwnerRef())
	if err != nil {
		return false, fmt.Errorf("stale button: %w", err)
	}
	return !own, nil
}

// limitedChannels are the chat platforms rules.owner_rate applies to; the
// web chat has its own limits per session and address (bots/web).
var limitedChannels = []cases.Channel{cases.ChannelTelegram, cases.ChannelWeChat, cases.ChannelSlack}

// LimitOwners lets each owner on a chat platform write n messages at once
// and n per interval after that (rules.owner_rate); n = 0 lifts the limit.
// The state is this process's: with several heed serve, each counts the
// messages it receives.
func (e *Engine) LimitOwners(n int, per time.Duration) {
	if n <= 0 || per <= 0 {
		e.limit = nil
		return
	}
	e.limit = newOwnerLimiter(n, per)
}

// throttle decides, before the message's transaction (a retried
// transaction must not count it twice), whether in is over its owner's
// limit, and whether they are to be told.
func (e *Engine) throttle(in Inbound) (throttled, tell bool) {
	if e.limit == nil || !slices.Contains(limitedChannels, in.Channel) {
		return false, false
	}
	ok, tell := e.limit.take(in.OwnerRef(), time.Now())
	return !ok, tell
}

// ownerLimiter is a token bucket per owner: n tokens, refilled at n per
// interval. An owner idle for an interval has a full bucket again, which is
// the same as none: such buckets are forgotten.
type ownerLimiter struct {
	n   int
	per time.Duration

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was counted
	told   time.Time // when the owner was last told to slow down
}

func newOwnerLimiter(n int, per time.Duration) *ownerLimiter {
	return &ownerLimiter{n: n, per: per, buckets: map[string]*bucket{}}
}

// take spends one of key's tokens. When none is left it reports whether to
// tell the owner: once per interval.
func (l *ownerLimiter) take(key string, now time.Time) (ok, tell bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: float64(l.n), at: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(l.n), b.tokens+float64(l.n)*d.Seconds()/l.per.Seconds())
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, false
	}
	if b.told.IsZero() || now.Sub(b.told) >= l.per {
		b.told = now
		return false, true
	}
	return false, false
}

// sweep forgets, at most once an interval, the owners idle for one.
func (l *ownerLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.per {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.at) >= l.per && now.Sub(b.told) >= l.per {
			delete(l.buckets, k)
		}
	}
}

// size is how many owners the limiter remembers.
func (l *ownerLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
