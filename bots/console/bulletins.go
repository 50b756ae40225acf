package console

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
)

// Bulletins (公告): the list with each one's delivery, the compose form,
// a bulletin's page following its delivery, resending the uncertain —
// notify/desk's PostBulletin, BulletinProgress and ResendUncertain, as
// /bulletin in team chat and /api/v1/bulletins call them.

// bulletinsShown is how many bulletins the list shows, newest first.
const bulletinsShown = 50

// bulletinForm is the compose form's values, kept when a bulletin is refused.
type bulletinForm struct {
	Key, Title, Body, Cases string
	Communities             map[string]bool
}

type bulletinsPage struct {
	Bulletins   []desk.PostedBulletin
	Communities []config.Community
	Form        bulletinForm
	Problem     string
	MaxTitle    int
	MaxBody     int
}

// bulletinsPage is GET /desk/bulletins.
func (c *Console) bulletinsPage(w http.ResponseWriter, r *http.Request) error {
	if err := deskOnly(r, ruleBulletins); err != nil {
		return err
	}
	return c.renderBulletins(w, r, http.StatusOK, bulletinForm{Key: "desk:" + randomToken(12)}, "")
}

func (c *Console) renderBulletins(w http.ResponseWriter, r *http.Request, status int, f bulletinForm, problem string) error {
	list, err := c.desk.Bulletins(r.Context(), bulletinsShown)
	if err != nil {
		return err
	}
	return c.render(w, r, status, "bulletins", bulletinsPage{Bulletins: list, Communities: c.cfg.Communities, Form: f,
		Problem: problem, MaxTitle: desk.MaxBulletinTitle, MaxBody: desk.MaxBulletinBody})
}

// postBulletin is POST /desk/bulletins: the bulletin posted as the
// signed-in person; the form's key makes a second press post nothing twice.
func (c *Console) postBulletin(w http.ResponseWriter, r *http.Request) error {
	if err := deskOnly(r, ruleBulletins); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &cases.Error{Code: cases.CodeInvalid, Message: "form"}
	}
	f := bulletinForm{Key: r.PostForm.Get("key"), Title: r.PostForm.Get("title"), Body: r.PostForm.Get("body"),
		Cases: r.PostForm.Get("cases"), Communities: map[string]bool{}}
	for _, id := range r.PostForm["community"] {
		f.Communities[id] = true
	}
	serials := strings.FieldsFunc(strings.ToUpper(f.Cases), func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == '#' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
	id, err := c.desk.PostBulletin(r.Context(), desk.Bulletin{Key: f.Key, Title: f.Title, Body: f.Body,
		Communities: r.PostForm["community"], Cases: serials, CreatedBy: PersonOf(r).ID}, c.now())
	if errors.Is(err, desk.ErrBulletinInvalid) {
		return c.renderBulletins(w, r, http.StatusBadRequest, f, strings.TrimPrefix(err.Error(), desk.ErrBulletinInvalid.Error()+": "))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/desk/bulletins/%d", id), http.StatusSeeOther)
	return nil
}

type bulletinPage struct {
	*desk.PostedBulletin
	// Resent is what resending the uncertain did: "" not asked, else how
	// many ("0": there was none).
	Resent string
}

func (c *Console) bulletinOf(r *http.Request) (*bulletinPage, error) {
	if err := deskOnly(r, ruleBulletins); err != nil {
		return nil, err
	}
	id, err := officeID(r)
	if err != nil {
		return nil, err
	}
	b, err := c.desk.PostedBulletinOf(r.Context(), id)
	if errors.Is(err, desk.ErrBulletinNotFound) {
		return nil, &cases.Error{Code: cases.CodeNotFound, Message: "no such bulletin"}
	}
	if err != nil {
		return nil, err
	}
	return &bulletinPage{PostedBulletin: b, Resent: r.URL.Query().Get("resent")}, nil
}

// bulletinPage is GET /desk/bulletins/{id}: the bulletin and its delivery
// target by target, refreshing itself while anything is on its way.
func (c *Console) bulletinPage(w http.ResponseWriter, r *http.Request) error {
	b, err := c.bulletinOf(r)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "bulletin", b)
}

// bulletinFragment is GET /desk/bulletins/{id}/fragment: the delivery part
// of the page, for its refresh.
func (c *Console) bulletinFragment(w http.ResponseWriter, r *http.Request) error {
	b, err := c.bulletinOf(r)
	if err != nil {
		return err
	}
	return c.renderPart(w, r, "bulletin", "bulletin-progress", b)
}

// resendBulletin is POST /desk/bulletins/{id}/resend: the targets whose
// delivery is uncertain queued again — a person's call, as /bulletin
// resend and the API's resend-uncertain.
func (c *Console) resendBulletin(w http.ResponseWriter, r *http.Request) error {
	if err := deskOnly(r, ruleBulletins); err != nil {
		return err
	}
	id, err := officeID(r)
	if err != nil {
		return err
	}
	n, err := c.desk.ResendUncertain(r.Context(), id, c.now())
	if err != nil && !errors.Is(err, notify.ErrNothingUncertain) {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/desk/bulletins/%d?resent=%s", id, strconv.Itoa(n)), http.StatusSeeOther)
	return nil
}

// TargetWhere names a bulletin's target as staff know it: the community's
// group, or the owner of a case — never the owner's chat id.
func (v *View) TargetWhere(t desk.TargetState) string {
	if t.CaseSerial != "" {
		return v.T("bulletin.owner_of", t.CaseSerial)
	}
	return v.Community(t.Community)
}

// PhonesMasked is a text staff read that may carry an owner's phone number (a
// platform's error, a survey's answer): the number masked, 138****5678.
func (v *View) PhonesMasked(s string) string { return cases.MaskPhones(s) }

// ChannelOf names a delivery's channel (an outbox row's "telegram").
func (v *View) ChannelOf(ch string) string { return v.Channel(cases.Channel(ch)) }
