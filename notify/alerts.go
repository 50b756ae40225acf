package notify

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
)

// Kinds of owner alerts.
const (
	AlertPerson    = "person"    // the owner asked for a person (人工, WeChat's 联系客服)
	AlertEmergency = "emergency" // the owner described an emergency: staff act before the intake ends
)

// OwnerAlert is something an owner needs staff for at once, case or no
// case: a request for a person, or an emergency still being described. It
// becomes a card in the specialists' chat — an emergency also in its
// category's department — edited in place (same Key) as more is known.
type OwnerAlert struct {
	Key        string // names the card: the same key edits the card already posted
	Kind       string // AlertPerson, AlertEmergency or AlertInquiry
	Serial     string // the case, once there is one
	Channel    cases.Channel
	Name       string
	Phone      string // the full number; the card shows it masked
	Community  string // id or name
	Unit       string
	Address    string
	Category   string // id
	Department string // id: an emergency's department, told too
	Text       string // the complaint so far
	LastWords  []string
	Status     string // where it stands ("填写中", "已登记 …", "业主已取消")
	Since      time.Time
}

// Alert posts or updates an owner's alert card inside the caller's
// transaction (delivered after commit, like every card). It reports whether
// any team chat gets it.
func (d *TeamDesk) Alert(ctx context.Context, tx *sqlx.Tx, now time.Time, a OwnerAlert) (bool, error) {
	to := d.teamTargets(d.cfg.Team.Specialists)
	if a.Kind == AlertEmergency && a.Department != "" {
		to = append(to, d.deptTargets(a.Department)...)
	}
	if len(to) == 0 || a.Key == "" {
		return false, nil
	}
	return true, d.post(ctx, tx, now, to, d.alertCard(a), "alert:"+a.Key)
}

func (d *TeamDesk) alertCard(a OwnerAlert) Card {
	if a.Kind == AlertInquiry {
		return d.inquiryCard(a)
	}
	title := "【业主要求人工】"
	if a.Kind == AlertEmergency {
		title = "【紧急·立即处理】"
		if ct, ok := d.cfg.Category(a.Category); ok {
			title += ct.Name
		}
	}
	if a.Serial != "" {
		title += " " + a.Serial
	}
	owner, community := d.alertWho(a)
	fields := []Field{{"业主", orDash(owner)}, {"渠道", ChannelName(a.Channel)}, {"小区", orDash(community)}, {"房号", orDash(a.Unit)}}
	if a.Address != "" {
		fields = append(fields, Field{"地址", a.Address})
	}
	if a.Department != "" {
		fields = append(fields, Field{"责任部门", d.deptName(a.Department)})
	}
	serial := a.Serial
	if serial == "" {
		serial = "尚未登记"
	}
	fields = append(fields, Field{"投诉", serial}, Field{"收到", d.when(a.Since)})
	var body []string
	if a.Text != "" {
		body = append(body, "投诉内容："+clipRunes(a.Text, 500))
	}
	if len(a.LastWords) > 0 {
		body = append(body, "业主最近的话：\n"+clipRunes(strings.Join(a.LastWords, "\n"), 300))
	}
	// The card keeps its key (an empty serial) when the case appears, so
	// that it is edited in place, not posted again.
	return Card{Title: title, Fields: fields, Body: strings.Join(body, "\n\n"), Status: a.Status}
}

// ChannelName is how team chat names an owner's channel.
func ChannelName(ch cases.Channel) string {
	switch ch {
	case cases.ChannelWeChat:
		return "微信"
	case cases.ChannelWeb:
		return "网页"
	case cases.ChannelTelegram:
		return "Telegram"
	case cases.ChannelSlack:
		return "Slack"
	case cases.ChannelPhone:
		return "电话"
	}
	return orDash(string(ch))
}

// wishFields are what the owner asked for on a case's cards: the address
// when no community fits, the demands (投诉目的、要求), the reply time.
func (d *TeamDesk) wishFields(c *cases.Case) []Field {
	var out []Field
	if c.Address != "" {
		out = append(out, Field{"地址", clipRunes(c.Address, 100)})
	}
	if c.Purpose != "" {
		out = append(out, Field{"业主要求", clipRunes(c.Purpose, 200)})
	}
	if c.RequestedReplyBy != nil {
		out = append(out, Field{"希望答复", c.RequestedReplyBy.In(d.svc.Calendar().Location()).Format("01-02") + " 前"})
	}
	return out
}

// writtenPhone is a phone number as people write it in a message: a
// mainland mobile (with or without +86, spaced or dashed) or a number
// with its country code.
var writtenPhone = regexp.MustCompile(`(?:\+|＋)\s?\d[\d \-]{5,16}\d|(?:^|[^\d])(1[3-9]\d[ \-]?\d{4}[ \-]?\d{4})(?:[^\d]|$)`)

// MaskPhones hides the phone numbers written in a text, as cards do
// (138****5678): team chat is not the place for owners' numbers.
func MaskPhones(text string) string {
	// A match takes the character after a number, which the next number
	// may need as its start ("138…,139…"): a second pass takes those.
	for range 2 {
		text = maskPhonesOnce(text)
	}
	return text
}

func maskPhonesOnce(text string) string {
	return writtenPhone.ReplaceAllStringFunc(text, func(m string) string {
		start, end := 0, len(m)
		for start < end && !isDigitOrPlus(m[start]) {
			start++
		}
		for end > start && !isDigit(m[end-1]) {
			end--
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '+' {
				return r
			}
			return -1
		}, m[start:end])
		return m[:start] + cases.MaskPhone(digits) + m[end:]
	})
}

func isDigit(b byte) bool       { return b >= '0' && b <= '9' }
func isDigitOrPlus(b byte) bool { return isDigit(b) || b == '+' }
