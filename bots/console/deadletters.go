package console

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify"
)

// Dead letters: the messages delivery gave up on (notify.DeadLetters, no
// bodies: they may hold an owner's words), each retried by a press
// (notify.Retry) — as GET /api/v1/outbox/dead and POST
// /api/v1/outbox/{id}/retry.

// deadShown is how many dead letters the page lists, newest first.
const deadShown = 200

type deadPage struct {
	Dead    []notify.DeadLetter
	Retried string // the id just queued again
}

// deadLettersPage is GET /desk/deadletters.
func (c *Console) deadLettersPage(w http.ResponseWriter, r *http.Request) error {
	if err := deskOnly(r, ruleDeadLetters); err != nil {
		return err
	}
	dead, err := notify.DeadLetters(r.Context(), c.db, deadShown)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "deadletters", deadPage{Dead: dead, Retried: r.URL.Query().Get("retried")})
}

// retryDeadLetter is POST /desk/deadletters/{id}/retry: the message queued
// again with a fresh count of tries.
func (c *Console) retryDeadLetter(w http.ResponseWriter, r *http.Request) error {
	if err := deskOnly(r, ruleDeadLetters); err != nil {
		return err
	}
	id, err := officeID(r)
	if err != nil {
		return err
	}
	if err := notify.Retry(r.Context(), c.db, id, c.now()); errors.Is(err, notify.ErrNotDead) {
		return &cases.Error{Code: cases.CodeNotFound, Message: "no such dead letter"}
	} else if err != nil {
		return err
	}
	c.log.Info("dead letter retried", "outbox", id, "by", PersonOf(r).ID)
	http.Redirect(w, r, fmt.Sprintf("/desk/deadletters?retried=%d", id), http.StatusSeeOther)
	return nil
}

// Recipient names a dead letter's chat for staff: a community's group by
// its name, a staff member's chat by their name, anyone else (an owner)
// by a masked id — enough to tell two apart, not to reach them.
func (v *View) Recipient(d notify.DeadLetter) string {
	for _, cm := range v.c.cfg.Communities {
		if chatOfCommunity(d, cm.TelegramChatID, cm.SlackChannel, cm.WeChatTagID) {
			return v.T("dead.group", cm.Name)
		}
	}
	if p, ok := v.c.desk.PersonOf(d.Channel, d.ChatID); ok {
		return p.Staff.Name
	}
	return maskChat(d.ChatID)
}

func chatOfCommunity(d notify.DeadLetter, tg int64, slack string, tag int64) bool {
	switch d.Channel {
	case "telegram":
		return tg != 0 && d.ChatID == fmt.Sprint(tg)
	case "slack":
		return slack != "" && d.ChatID == slack
	case "wechat":
		return tag != 0 && d.Kind == notify.KindMassByTag && d.ChatID == fmt.Sprint(tag)
	}
	return false
}

// maskChat keeps a chat id's first two and last two characters.
func maskChat(id string) string {
	n := utf8.RuneCountInString(id)
	if n <= 4 {
		return strings.Repeat("*", n)
	}
	r := []rune(id)
	return string(r[:2]) + "****" + string(r[n-2:])
}
