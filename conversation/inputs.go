package conversation

import "strings"

// Messages that are not words of a complaint: a shared place or contact
// card, an edited message, a blocked bot.

// location is a shared place. Where heed asks where the problem is, its
// name may name the community (or serve as the address); anywhere else it
// is no complaint: heed says what it needs instead.
func (t *turn) location() error {
	d := &t.st.Draft
	label := strings.TrimSpace(t.in.Text)
	if err := t.loadProfile(); err != nil {
		return err
	}
	switch t.st.Step {
	case stepCommunity, stepLocationConfirm, stepAddress:
		if label != "" {
			t.fillFrom(label)
		}
		switch {
		case d.Community != "":
			if t.st.Step == stepLocationConfirm && d.Unit == "" && d.Community == t.prof.Community {
				d.Unit = t.prof.Unit // the same place as last time
			}
			return t.next()
		case label != "" && t.st.Step == stepAddress:
			d.Address = clip(label, 200)
			t.confirm("location")
			return t.next()
		}
		t.say("location_unknown", nil, t.st.Choices...)
		return nil
	case "", stepIdle:
		t.say("location_idle", nil)
		return nil
	}
	t.say("noted", nil, t.st.Choices...)
	return nil
}

// sharedContact is a contact card the owner shared: at the contact
// question it is the answer; during a complaint it is kept for it; else
// it is remembered for the next complaint.
func (t *turn) sharedContact() error {
	if err := t.loadProfile(); err != nil {
		return err
	}
	switch t.st.Step {
	case stepContact, stepContactConfirm:
		t.st.Step = stepContact
		return t.takeContact(t.in.Text)
	case "", stepIdle:
		phone, _, ok := contactPhone(t.in.Text)
		if !ok {
			t.say("bad_phone", nil)
			return nil
		}
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO owner_profiles (owner_ref, phone, language, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (owner_ref) DO UPDATE SET phone = EXCLUDED.phone, updated_at = EXCLUDED.updated_at`,
			t.in.OwnerRef(), phone, t.lang, t.now); err != nil {
			return err
		}
		t.say("contact_saved", nil)
		return nil
	}
	if phone, _, ok := contactPhone(t.in.Text); ok {
		t.st.Draft.Phone = phone
	}
	t.say("noted", nil, t.st.Choices...)
	return nil
}

// edited is an earlier message the owner changed. While a complaint is
// being written its new words join the description; a submitted case is
// not changed behind the staff's back: the owner is told how to add to it.
func (t *turn) edited() error {
	d := &t.st.Draft
	if !t.idle() && d.Content != "" {
		d.Content += "\n" + t.in.Text
		t.say("edit_taken", nil, t.st.Choices...)
		return nil
	}
	t.say("edit_not_taken", nil)
	return nil
}

// blocked is an owner who blocked heed: like 退订 they get no bulletins,
// surveys or questionnaires (the specialists call them for the revisit),
// and heed answers nothing — it could not.
func (t *turn) blocked() error {
	if err := t.optOut(true); err != nil {
		return err
	}
	return t.leaveSurveys()
}

// optOut records 退订 (or 订阅 with false).
func (t *turn) optOut(out bool) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO owner_profiles (owner_ref, language, opted_out, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (owner_ref) DO UPDATE SET opted_out = EXCLUDED.opted_out, updated_at = EXCLUDED.updated_at`,
		t.in.OwnerRef(), t.lang, out, t.now)
	return err
}
