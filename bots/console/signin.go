package console

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify"
)

// Sign-in without passwords: a person of the configuration types their id,
// phone or name; heed sends a link to their own Slack DM or Telegram chat
// through the outbox (enqueued in the transaction that stores the link's
// hash, sent after it commits); opening the link signs the browser in. The
// answer is the same whoever was typed, so the page tells no one who is on
// the staff.

// Sign-in limits, counted in PostgreSQL so they hold across every heed
// serve: requests per client address and links per person in a window.
const (
	signinWindow    = 15 * time.Minute
	signinPerClient = 10
	linksPerPerson  = 3
	maxWho          = 100 // characters of what is typed
	keepSignins     = 24 * time.Hour
)

// signinPage asks who is signing in. A signed-in browser goes on to the
// desk.
func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if p, err := c.sessionPerson(r); err != nil {
		return err
	} else if p != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return c.render(w, r, http.StatusOK, "signin", signinForm{Next: next, Out: r.URL.Query().Get("out")})
}

// signinForm is the sign-in page's data.
type signinForm struct {
	Next    string
	Out     string // "1" signed out, "all" signed out everywhere
	Problem string // a text key: what was wrong with the form
}

// signinRequest sends the sign-in link to whoever matches what was typed,
// and answers the same page in every case.
func (c *Console) signinRequest(w http.ResponseWriter, r *http.Request) error {
	who := strings.TrimSpace(r.PostFormValue("who"))
	next := safeNext(r.PostFormValue("next"))
	if who == "" || len([]rune(who)) > maxWho {
		return c.render(w, r, http.StatusBadRequest, "signin", signinForm{Next: next, Problem: "signin.who_missing"})
	}
	base := c.linkBase(r)
	client := c.clientAddress(r)
	lang := state(r).lang
	now := c.now()
	limited := false
	err := c.inTx(r.Context(), func(tx *sqlx.Tx) error {
		ctx := r.Context()
		if _, err := tx.ExecContext(ctx, q.Lock, "client:"+client); err != nil {
			return err
		}
		for _, prune := range []string{q.PruneRequests, q.PruneLinks} {
			if _, err := tx.ExecContext(ctx, prune, now.Add(-keepSignins)); err != nil {
				return err
			}
		}
		var n int
		if err := tx.GetContext(ctx, &n, q.CountRequests, client, now.Add(-signinWindow)); err != nil {
			return err
		}
		if n >= signinPerClient {
			limited = true
			return nil
		}
		if _, err := tx.ExecContext(ctx, q.RecordRequest, client, now); err != nil {
			return err
		}
		for _, ref := range c.findPeople(who) {
			if err := c.sendLink(ctx, tx, ref, base, next, client, lang); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if limited {
		w.Header().Set("Retry-After", strconv.Itoa(int(signinWindow/time.Second)))
		return c.render(w, r, http.StatusTooManyRequests, "signin_sent", signinSent{Limited: true})
	}
	return c.render(w, r, http.StatusOK, "signin_sent", signinSent{})
}

// signinSent is the answer to a sign-in request.
type signinSent struct{ Limited bool }

// sendLink stores a new link for the person and enqueues it to each of
// their private chats heed can reach, in tx; nothing when they have none,
// when heed has no address to put in a link, or when they were sent
// linksPerPerson links in the window.
func (c *Console) sendLink(ctx context.Context, tx *sqlx.Tx, ref config.StaffRef, base, next, client string, lang Lang) error {
	id := ref.Staff.ID
	chats := c.privateChats(ref.Staff)
	switch {
	case len(chats) == 0:
		c.log.Info("desk: a sign-in link was asked for a person heed cannot reach (no Slack or Telegram id, or the platform is off)", "person", id)
		return nil
	case base == "":
		c.log.Warn("desk: no sign-in link sent: set public_url (HEED_PUBLIC_URL), the address links point to", "person", id)
		return nil
	}
	if _, err := tx.ExecContext(ctx, q.Lock, "person:"+id); err != nil {
		return err
	}
	now := c.now()
	var n int
	if err := tx.GetContext(ctx, &n, q.CountLinks, id, now.Add(-signinWindow)); err != nil {
		return err
	}
	if n >= linksPerPerson {
		c.log.Info("desk: sign-in links for this person are over their limit; none sent", "person", id)
		return nil
	}
	token := randomToken(32)
	if _, err := tx.ExecContext(ctx, q.InsertLink, id, hashToken(token), next, client, now, now.Add(c.linkTTL)); err != nil {
		return err
	}
	text := lang.T("signin.message", int(c.linkTTL/time.Minute), base+"/desk/link/"+token)
	msgs := make([]notify.Message, len(chats))
	for i, ch := range chats {
		msgs[i] = notify.Message{Channel: ch[0], ChatID: ch[1], Kind: notify.KindMessage, Payload: notify.Payload{Text: text}}
	}
	c.log.Info("desk: sign-in link sent", "person", id, "chats", len(chats))
	return notify.Enqueue(ctx, tx, now, msgs...)
}

// privateChats are the person's own chats with heed's bots: channel and
// chat id (a Slack user id opens the app's DM; a Telegram user's private
// chat has the user's id).
func (c *Console) privateChats(s config.Staff) [][2]string {
	var out [][2]string
	if c.platforms["slack"] && s.Slack != "" {
		out = append(out, [2]string{string(cases.ChannelSlack), s.Slack})
	}
	if c.platforms["telegram"] && s.TelegramID != 0 {
		out = append(out, [2]string{string(cases.ChannelTelegram), strconv.FormatInt(s.TelegramID, 10)})
	}
	return out
}

// findPeople are the staff members what was typed names: their id, Slack
// or Telegram id, phone, or name as configured.
func (c *Console) findPeople(who string) []config.StaffRef {
	phone, isPhone := cases.NormalizePhone(who)
	tg, _ := strconv.ParseInt(who, 10, 64)
	seen := map[string]bool{}
	var out []config.StaffRef
	for _, ref := range c.cfg.AllStaff() {
		s := ref.Staff
		match := strings.EqualFold(s.ID, who) || s.Name == who ||
			(s.Slack != "" && strings.EqualFold(s.Slack, who)) || (tg != 0 && s.TelegramID == tg)
		if !match && isPhone && s.Phone != "" {
			p, ok := cases.NormalizePhone(s.Phone)
			match = ok && p == phone
		}
		if match && !seen[s.ID] {
			seen[s.ID] = true
			out = append(out, ref)
		}
	}
	return out
}

// linkBase is the address a sign-in link starts with: heed's public URL;
// without one, the address this request came to only when it is this
// machine (local development) — never a Host header a stranger could set.
func (c *Console) linkBase(r *http.Request) string {
	if u := strings.TrimRight(c.cfg.PublicURL, "/"); u != "" {
		return u
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); (err == nil && a.IsLoopback()) || host == "localhost" {
		scheme := "http://"
		if r.TLS != nil {
			scheme = "https://"
		}
		return scheme + r.Host
	}
	return ""
}

// linkPage is what opening a sign-in link shows: a button that signs in
// (the page presses it itself when scripts run). Opening it uses nothing,
// so a chat app's link preview cannot spend the link.
func (c *Console) linkPage(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	var n int
	if err := c.db.GetContext(r.Context(), &n, q.LinkUsable, hashToken(token), c.now()); err != nil {
		return err
	}
	if n == 0 {
		return c.render(w, r, http.StatusGone, "link_invalid", nil)
	}
	return c.render(w, r, http.StatusOK, "link", token)
}

// linkUse spends the link and signs the browser in as its person.
func (c *Console) linkUse(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	var next string
	ok := false
	err := c.inTx(r.Context(), func(tx *sqlx.Tx) error {
		var link struct {
			Person string `db:"person"`
			Next   string `db:"next_path"`
		}
		if err := tx.GetContext(r.Context(), &link, q.UseLink, hashToken(token), c.now()); err != nil {
			if isNoRows(err) {
				return nil
			}
			return err
		}
		if _, staff := c.cfg.StaffByID(link.Person); !staff {
			return nil
		}
		ok, next = true, link.Next
		return c.startSession(w, r, tx, link.Person)
	})
	if err != nil {
		return err
	}
	if !ok {
		return c.render(w, r, http.StatusGone, "link_invalid", nil)
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

// inTx runs fn in a transaction that commits when fn returns nil.
func (c *Console) inTx(ctx context.Context, fn func(*sqlx.Tx) error) error {
	tx, err := c.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit a no-op
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
