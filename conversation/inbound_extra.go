package conversation

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify"
)

// What the platforms send besides text, photos and buttons: a shared
// contact card, a shared place, an edit of an earlier message; and a
// captioned photo while a question is open. Also whether an owner can be
// written to at all (they blocked the bot, or unfollowed the account).

// drafting reports whether a complaint is being filled in: any step but
// the idle one and those about a registered case (so that a question the
// intake adds counts without being listed here).
func (t *turn) drafting() bool {
	switch t.st.Step {
	case "", stepIdle, stepSupplementPick, stepSupplement, stepLanguage, stepFeedbackReason, stepRevisitSuggest:
		return false
	}
	return true
}

// platform answers the inbound kinds the steps do not know; it reports
// whether it did.
func (t *turn) platform() (bool, error) {
	switch t.in.Kind {
	case KindContact:
		return true, t.sharedContact()
	case KindLocation:
		return true, t.sharedLocation()
	case KindEdit:
		return true, t.edited()
	case KindPhoto:
		return t.captionedPhoto()
	}
	return false, nil
}

// platformLine is the owner's message in the transcript for these kinds.
func (t *turn) platformLine() (string, bool) {
	in := t.in
	switch {
	case in.Kind == KindContact && in.Contact != nil:
		return strings.TrimSpace("[" + t.t("line.contact") + "] " + in.Contact.Name + " " + in.Contact.Phone), true
	case in.Kind == KindLocation && in.Location != nil:
		return strings.TrimSpace(fmt.Sprintf("[%s %.5f,%.5f] %s", t.t("line.location"), in.Location.Lat, in.Location.Lng, in.Location.Label)), true
	case in.Kind == KindEdit:
		return "[" + t.t("line.edit") + "] " + in.Text, true
	}
	return "", false
}

// noteWith answers without changing what a numbered reply picks: the open
// question stays open.
func (t *turn) noteWith(key string, data any) {
	t.replies = append(t.replies, Outbound{Channel: t.in.Channel, ChatID: t.in.ChatID, Text: t.e.cat.text(t.lang, key, data)})
}

// sharedContact takes the number of a contact card. The owner's own card
// (Telegram vouches for it) is the best phone there is; someone else's is
// read as if the owner had typed its name and number.
func (t *turn) sharedContact() error {
	c := t.in.Contact
	if c == nil || strings.TrimSpace(c.Phone) == "" {
		t.say("unreadable", nil, t.st.Choices...)
		return nil
	}
	phone, ok := cardPhone(c.Phone)
	if !c.Own || !ok {
		t.in.Kind, t.in.Text = KindText, strings.TrimSpace(c.Name+" "+c.Phone)
		return t.step()
	}
	d := &t.st.Draft
	d.Phone = phone
	if d.Name == "" {
		if err := t.loadProfile(); err != nil {
			return err
		}
		d.Name = t.prof.Name
		if d.Name == "" {
			d.Name = clip(strings.TrimSpace(c.Name), 40)
		}
	}
	switch t.st.Step {
	case stepContact, stepContactConfirm:
		t.confirm("contact")
		return t.next()
	case stepConfirm:
		t.confirm("contact")
		return t.readback()
	}
	if t.drafting() {
		t.noteWith("contact.saved", map[string]any{"Phone": phone})
		return nil
	}
	t.say("contact.saved_idle", map[string]any{"Phone": phone})
	return nil
}

// cardPhone normalises a contact card's number; Telegram gives it
// without the "+" ("8613812345678").
func cardPhone(p string) (string, bool) {
	p = strings.TrimSpace(p)
	if n, ok := cases.NormalizePhone(p); ok {
		return n, true
	}
	if !strings.HasPrefix(p, "+") {
		return cases.NormalizePhone("+" + p)
	}
	return "", false
}

// maxCommunityKm is how far from a community's configured point a shared
// place may be and still be taken as that community.
const maxCommunityKm = 3.0

// nearestCommunity is the configured community nearest to a place, within
// maxCommunityKm; "" when none has coordinates or none is that close.
func (e *Engine) nearestCommunity(lat, lng float64) string {
	best, bestKm := "", maxCommunityKm
	for _, c := range e.cfg.Communities {
		if c.Lat == nil || c.Lng == nil {
			continue
		}
		if km := distanceKm(lat, lng, *c.Lat, *c.Lng); km <= bestKm {
			best, bestKm = c.ID, km
		}
	}
	return best
}

// distanceKm is the great-circle distance (haversine).
func distanceKm(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// sharedLocation takes the community from a place the owner shared: the
// nearest configured one, else one the place's name mentions; else it asks.
// The place itself is never the complaint's text.
func (t *turn) sharedLocation() error {
	l := t.in.Location
	id := ""
	if l != nil {
		id = t.e.nearestCommunity(l.Lat, l.Lng)
		if id == "" && strings.TrimSpace(l.Label) != "" {
			if id = t.e.und().Analyze(l.Label).Community; id == "" {
				id = t.communityNamed(l.Label)
			}
		}
	}
	d := &t.st.Draft
	if id == "" {
		switch {
		case t.st.Step == stepCommunity || t.st.Step == stepLocationConfirm:
			t.noteWith("location.unknown", nil)
			return t.askCommunity()
		case t.drafting():
			t.noteWith("location.unknown", nil)
			return nil
		}
		t.say("location.unknown_idle", nil)
		return nil
	}
	data := map[string]any{"Community": t.communityName(id)}
	switch t.st.Step {
	case stepCommunity, stepLocationConfirm:
		if d.Community != id || t.st.Step == stepLocationConfirm {
			d.Unit = ""
		}
		d.Community = id
		t.noteWith("location.matched", data)
		return t.next()
	case stepConfirm:
		d.Community = id
		t.noteWith("location.matched", data)
		return t.readback()
	}
	d.Community = id
	if t.drafting() {
		t.noteWith("location.matched", data)
		return nil
	}
	t.say("location.matched_idle", data)
	return nil
}

// captionedPhoto keeps a photo sent with words while a question is open,
// and reads the words as the answer a text would have been; on the photo
// question the words join the description. Elsewhere the steps handle
// photos themselves.
func (t *turn) captionedPhoto() (bool, error) {
	in := &t.in
	if len(in.Attachments) == 0 || strings.TrimSpace(in.Text) == "" {
		return false, nil
	}
	switch {
	case t.st.Step == stepPhotos:
		t.attach()
		d := &t.st.Draft
		d.Content += "\n" + in.Text
		t.say("photo_received", map[string]any{"N": len(d.Attachments)}, t.btn("done", "done"))
		return true, nil
	case t.st.Step == stepDescribe || t.st.Step == stepMore || !t.drafting():
		return false, nil // photo and words both taken there
	}
	t.attach()
	in.Kind, in.Attachments = KindText, nil
	return true, t.step()
}

// rememberContentRef notes which platform message the description began
// with, so that an edit of it can replace it.
func (t *turn) rememberContentRef() {
	d := &t.st.Draft
	if t.in.Ref != "" && d.ContentRef == "" && d.Content != "" && d.Content == t.in.Text && t.drafting() {
		d.ContentRef, d.ContentFirst = t.in.Ref, t.in.Text
	}
}

// edited answers an owner's edit of an earlier message. While the
// complaint is being filled in, an edit of the message its description
// began with replaces those words; any other edit is acknowledged with how
// to correct. A submitted complaint does not change: the owner adds to it.
func (t *turn) edited() error {
	text := strings.TrimSpace(t.in.Text)
	d := &t.st.Draft
	if !t.drafting() {
		cs, err := t.ownerCases(true)
		if err != nil {
			return err
		}
		if len(cs) > 0 {
			t.noteWith("edit.submitted", map[string]any{"Serial": cs[0].Serial})
		} else {
			t.noteWith("edit.ignored", nil)
		}
		return nil
	}
	if text == "" || t.in.Edits == "" || t.in.Edits != d.ContentRef || !strings.HasPrefix(d.Content, d.ContentFirst) {
		t.noteWith("edit.seen", nil)
		return nil
	}
	d.Content = t.in.Text + strings.TrimPrefix(d.Content, d.ContentFirst)
	d.ContentFirst = t.in.Text
	t.noteWith("edit.applied", map[string]any{"Content": clip(t.in.Text, 60)})
	switch t.st.Step {
	case stepCategory:
		t.understandDraft(d.Content)
		t.askCategory()
	case stepConfirm:
		return t.readback()
	}
	return nil
}

// draftLine tells an owner asking for their cases that a complaint is
// still being filled in, and how to go on or give it up.
func (t *turn) draftLine() string {
	return t.e.cat.text(t.lang, "status.draft", map[string]any{"Content": clip(strings.TrimSpace(t.st.Draft.Content), 30)})
}

// reachable clears the mark of an owner who had blocked heed: they wrote.
func (t *turn) reachable() error {
	if !t.prof.Blocked {
		return nil
	}
	_, err := t.tx.ExecContext(t.ctx, stmt.Unblock, t.in.OwnerRef(), t.now)
	t.prof.Blocked = false
	return err
}

// Why an owner cannot be written to.
const (
	BlockedBot         = "blocked the bot"        // Telegram my_chat_member kicked, or 403 on a send
	BlockedUnsubscribe = "unfollowed the account" // WeChat unsubscribe
)

// SetBlocked records that an owner blocked heed (blocked, with why) or let
// it write again. A blocked owner is sent nothing more — no revisit, survey,
// bulletin or case update — and goes on the specialists' call list like an
// owner who opted out; what was still waiting to go to them is given up (a
// dead letter saying why). Writing to heed again clears it too.
func (e *Engine) SetBlocked(ctx context.Context, channel cases.Channel, userID string, blocked bool, why string) error {
	ref := string(channel) + ":" + userID
	return e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if !blocked {
			_, err := tx.ExecContext(ctx, stmt.Unblock, ref, now)
			return err
		}
		if _, err := tx.ExecContext(ctx, stmt.Block, ref, now, why); err != nil {
			return err
		}
		var chats []string
		if err := tx.SelectContext(ctx, &chats, stmt.OwnerChat, channel, userID); err != nil {
			return err
		}
		return notify.GiveUp(ctx, tx, string(channel), chats, "not sent: the owner "+why)
	})
}

// blocked reports whether the owner blocked heed.
func blocked(ctx context.Context, tx *sqlx.Tx, ownerRef string) (bool, error) {
	var b bool
	err := tx.GetContext(ctx, &b, stmt.IsBlocked, ownerRef)
	return b, err
}
