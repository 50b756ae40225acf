package console

import (
	"crypto/sha256"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/bots/web"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify/desk"
)

// Person is who a signed-in browser acts as: a staff member of the
// configuration, read again on every request (someone taken off the staff
// is signed out at once), with the standing they act in.
type Person struct {
	ID   string
	Name string
	// Role: specialist, manager, handler, general_manager, quality or staff.
	Role config.Role
	// Department of a manager or handler ("" for the others).
	Department string
	// Session is the id of the browser's session (desk_sessions).
	Session int64
	staff   config.Staff
}

// Oversees: a specialist, the quality representative or the general
// manager — the complaint desk that oversees every case.
func (p *Person) Oversees() bool {
	return p.Role == config.RoleSpecialist || p.Role == config.RoleQuality || p.Role == config.RoleGeneralManager
}

// Actor is the person as package cases records the steps they take here
// (AtDesk's actor): a staff member, through the console, signed with the
// session.
func (p *Person) Actor() cases.Actor {
	return cases.Actor{Kind: cases.ActorStaff, ID: p.ID, Channel: cases.ChannelConsole,
		PlatformUser: string(cases.ChannelConsole) + ":session:" + strconv.FormatInt(p.Session, 10)}
}

// AtDesk is the person as notify/desk takes them: what a page passes to
// desk.ActAs, FormAs, Actions and RecordAs to act under the procedure's
// rules, through the console, signed with this session.
func (p *Person) AtDesk() desk.Person {
	return desk.Person{StaffRef: config.StaffRef{Staff: p.staff, Role: p.Role, Department: p.Department},
		Channel: cases.ChannelConsole, User: "session:" + strconv.FormatInt(p.Session, 10)}
}

// SeesPhone says whether the person may see the owner's whole phone number
// on a case: the specialists, who call owners back, and the managers and
// handlers of the departments handling it. Everyone else sees 138****5678.
func (p *Person) SeesPhone(c *cases.Case) bool {
	switch p.Role {
	case config.RoleSpecialist:
		return true
	case config.RoleManager, config.RoleHandler:
		return p.Department != "" && (c.Department == p.Department || slices.Contains(c.Assisting, p.Department))
	}
	return false
}

// Texts is the case's free text as the person may see it: for one who may
// not see the owner's whole phone, the phone numbers an owner (or staff
// quoting them) wrote into the content, the feedback, the revisit's
// suggestions, the measures and the answer are masked, as chat cards mask
// them. k is changed in place: pass the copy a page reads.
func (p *Person) Texts(k *cases.Case) {
	if p.SeesPhone(k) {
		return
	}
	for _, s := range []*string{&k.Content, &k.Feedback, &k.VerifySuggestions, &k.Measures, &k.Reply} {
		*s = cases.MaskPhones(*s)
	}
	for i := range k.Events {
		k.Events[i].Note = cases.MaskPhones(k.Events[i].Note)
	}
}

// Text is a text a case carries (a line of the owner's conversation, a
// changed value) as the person may see it on that case.
func (p *Person) Text(k *cases.Case, s string) string {
	if p.SeesPhone(k) {
		return s
	}
	return cases.MaskPhones(s)
}

// Phone is the case's phone as the person may see it.
func (p *Person) Phone(c *cases.Case) string {
	if p.SeesPhone(c) {
		return c.ContactPhone
	}
	return cases.MaskPhone(c.ContactPhone)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte("heed desk v1\x00" + token))
	return h[:]
}

// signedIn lets h run for a signed-in person only (PersonOf(r) is set);
// anyone else is sent to the sign-in page, to come back here after.
func (c *Console) signedIn(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := c.sessionPerson(r)
		if err != nil {
			return err
		}
		if p == nil {
			if fragment(r) {
				w.WriteHeader(http.StatusUnauthorized)
				return nil
			}
			next := "/desk/"
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, "/desk/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
			return nil
		}
		state(r).person = p
		return h(w, r)
	}
}

// sessionPerson is the person of the request's session cookie: nil when
// there is none, it was revoked, expired or idle too long, or the person
// is no longer on the staff. A live session's last use is written at
// most once a minute.
func (c *Console) sessionPerson(r *http.Request) (*Person, error) {
	return c.sessionOf(r, true)
}

// sessionOf is sessionPerson; touch false leaves the session's last use as
// it is (the live stream's re-checks: a page left open is not a person at
// work, and must not keep an idle session from ending).
func (c *Console) sessionOf(r *http.Request, touch bool) (*Person, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	now := c.now()
	var s struct {
		ID       int64     `db:"id"`
		Person   string    `db:"person"`
		LastSeen time.Time `db:"last_seen_at"`
	}
	err = c.db.GetContext(r.Context(), &s, q.Session, hashToken(ck.Value), now, now.Add(-c.idleTTL))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ref, ok := c.cfg.StaffByID(s.Person)
	if !ok {
		return nil, nil
	}
	if touch && now.Sub(s.LastSeen) > time.Minute {
		if _, err := c.db.ExecContext(r.Context(), q.TouchSession, s.ID, now); err != nil {
			return nil, err
		}
	}
	return &Person{ID: ref.Staff.ID, Name: ref.Staff.Name, Role: ref.Role, Department: ref.Department, Session: s.ID, staff: ref.Staff}, nil
}

// startSession opens a session for person in tx and sets its cookie.
func (c *Console) startSession(w http.ResponseWriter, r *http.Request, tx *sqlx.Tx, person string) error {
	token := randomToken(32)
	now := c.now()
	ua := r.UserAgent()
	if len(ua) > 200 {
		ua = ua[:200]
	}
	var id int64
	if err := tx.GetContext(r.Context(), &id, q.InsertSession, person, hashToken(token), c.clientAddress(r), ua, now, now.Add(c.sessionTTL)); err != nil {
		return err
	}
	c.setCookie(w, r, sessionCookie, token, c.sessionTTL)
	return nil
}

// clientAddress is the client's address (behind a trusted proxy, the one
// it names).
func (c *Console) clientAddress(r *http.Request) string {
	return web.ClientAddress(r, c.net)
}

// signOut ends this browser's session.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request) error {
	p := PersonOf(r)
	if _, err := c.db.ExecContext(r.Context(), q.RevokeSession, p.Session, p.ID, c.now()); err != nil {
		return err
	}
	c.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/desk/signin?out=1", http.StatusSeeOther)
	return nil
}

// signOutEverywhere ends every session of the person, this one too.
func (c *Console) signOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	p := PersonOf(r)
	if _, err := c.db.ExecContext(r.Context(), q.RevokeSessions, p.ID, c.now()); err != nil {
		return err
	}
	c.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/desk/signin?out=all", http.StatusSeeOther)
	return nil
}

// revokeSession ends one of the person's other sessions (the account page).
func (c *Console) revokeSession(w http.ResponseWriter, r *http.Request) error {
	p := PersonOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return &cases.Error{Code: cases.CodeNotFound, Message: "no such session"}
	}
	if _, err := c.db.ExecContext(r.Context(), q.RevokeSession, id, p.ID, c.now()); err != nil {
		return err
	}
	if id == p.Session {
		c.setCookie(w, r, sessionCookie, "", -1)
		http.Redirect(w, r, "/desk/signin?out=1", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/desk/account", http.StatusSeeOther)
	return nil
}

// sessionRow is one live session on the account page.
type sessionRow struct {
	ID        int64     `db:"id"`
	Client    string    `db:"client"`
	UserAgent string    `db:"user_agent"`
	CreatedAt time.Time `db:"created_at"`
	LastSeen  time.Time `db:"last_seen_at"`
	Current   bool      `db:"-"`
}

// account shows who is signed in and where, with sign out and sign out
// everywhere.
func (c *Console) account(w http.ResponseWriter, r *http.Request) error {
	p := PersonOf(r)
	now := c.now()
	var rows []sessionRow
	if err := c.db.SelectContext(r.Context(), &rows, q.Sessions, p.ID, now, now.Add(-c.idleTTL)); err != nil {
		return err
	}
	for i := range rows {
		rows[i].Current = rows[i].ID == p.Session
	}
	return c.render(w, r, http.StatusOK, "account", rows)
}
