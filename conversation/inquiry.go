package conversation

import (
	"cmp"

	"github.com/heedhq/heed/conversation/understand"
)

// routeInquiry puts an owner's question (咨询) before the specialists as
// the 人工 requests are (desk.Desk.Alert): who asks, through which
// channel, where they live if heed knows, what about, and the question —
// so that a person answers it. It reports whether any team chat gets it.
func (t *turn) routeInquiry(a understand.Analysis) (bool, error) {
	if err := t.loadProfile(); err != nil {
		return false, err
	}
	p := t.prof
	return t.alert(OwnerAlert{Key: "inquiry:" + t.in.OwnerRef() + ":" + t.in.MessageID, Kind: AlertInquiry,
		Since: t.now, Name: cmp.Or(p.Name, t.in.Name), Phone: p.Phone, Community: p.Community, Unit: p.Unit,
		Category: a.Category, Text: t.in.Text, Status: "请客服专员答复业主"})
}
