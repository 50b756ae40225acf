package desk

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// The revisit (回访) at a screen: the worklist of every case due for its
// revisit and the call list in it, and the owner's answers a specialist
// takes on the phone — stored as the owner's answers on chat would be,
// under the same rules (package conversation owns the revisits).

// errNoOwners: the desk is not connected to the owners' side.
var errNoOwners = &cases.Error{Code: cases.CodeConflict, Message: "回访暂不可用。"}

// answeredLately is how far back the worklist shows answered revisits.
const answeredLately = 7 * 24 * time.Hour

// RevisitWorklist is the revisit worklist for p — every case answered to
// its owner and not yet revisited, with where its revisit stands (asked on
// chat, no answer, to call, not asked yet), then those answered in the
// last seven days. The complaint desk's (specialists, the quality
// representative, the general manager); anyone else is refused.
func (d *Desk) RevisitWorklist(ctx context.Context, p Person) ([]conversation.RevisitItem, error) {
	if !p.Oversees() {
		return nil, &cases.Error{Code: cases.CodeForbidden, Message: p.Staff.Name + " 不能查看回访名单：只提供给客服专员、品质管理和总经理。"}
	}
	if d.owners == nil {
		return nil, errNoOwners
	}
	return d.owners.RevisitWorklist(ctx, d.svc.Now().Add(-answeredLately))
}

// RevisitQuestions are the revisit's scored questions in the owner's
// language lang and the names of the scores 1…5, for a call.
func (d *Desk) RevisitQuestions(lang string) (questions [3]string, scores [5]string) {
	if d.owners == nil {
		return questions, scores
	}
	return d.owners.RevisitQuestions(lang)
}

// PhoneRevisitDone is what came of RecordPhoneRevisit.
type PhoneRevisitDone struct {
	Case *cases.Case // as it is now (nil when Again)
	// Again: the same form was sent before (its key): nothing was stored
	// this time.
	Again bool
}

// RecordPhoneRevisit stores the answers the owner of serial gave p on the
// phone: the case moves on as after the owner's answers on chat (verified,
// or reopened to its department when not satisfied). key is the form's
// own id: the same form sent twice stores once. Refusals are cases.Errors:
// someone who may not revisit (CodeForbidden), a case revisited already
// or not answered yet (CodeConflict), a score missing (CodeInvalid).
func (d *Desk) RecordPhoneRevisit(ctx context.Context, p Person, key, serial string, a conversation.PhoneRevisit) (PhoneRevisitDone, error) {
	if d.owners == nil {
		return PhoneRevisitDone{}, errNoOwners
	}
	var done PhoneRevisitDone
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		done = PhoneRevisitDone{}
		if key != "" {
			first, err := d.firstTime(ctx, tx, now, string(p.Channel), "phone-revisit:"+key, p.User, serial, "phone_revisit")
			if err != nil || !first {
				done.Again = !first
				return err
			}
		}
		c, err := d.owners.RecordPhoneRevisit(ctx, tx, now, p.actor(), serial, a)
		done.Case = c
		return err
	})
	return done, err
}
