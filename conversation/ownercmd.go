package conversation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/heedhq/heed/cases"
)

// The owner's commands, typed at any point of a conversation (route.go's
// commands): progress, adding to an open case, cancel, a person, help,
// opting out of questionnaires, language.

// command runs an owner's command.
func (t *turn) command(cmd string) error {
	switch cmd {
	case "status":
		return t.status()
	case "add":
		return t.startSupplement()
	case "cancel":
		if t.idle() && t.st.Survey != nil && t.st.Survey.Asking {
			return t.leaveSurvey()
		}
		if t.st.Step == "" || t.st.Step == stepIdle {
			t.say("nothing_to_cancel", nil)
			return nil
		}
		if err := t.closeEmergency(nil); err != nil {
			return err
		}
		t.reset()
		t.say("cancelled", nil)
		return nil
	case "human":
		return t.requestPerson()
	case "help":
		t.say("help", t.company())
		return nil
	case "optout", "optin":
		if err := t.optOut(cmd == "optout"); err != nil {
			return err
		}
		if cmd == "optout" {
			if err := t.leaveSurveys(); err != nil { // no further survey questions either
				return err
			}
		}
		t.say(cmd+".done", nil)
		return nil
	case "welcome":
		t.say("welcome", t.company())
		return nil
	case "language":
		t.say("choose_language", nil, Choice{Label: t.t("lang.zh-CN"), Data: "lang:zh-CN"},
			Choice{Label: t.t("lang.zh-TW"), Data: "lang:zh-TW"}, Choice{Label: t.t("lang.en"), Data: "lang:en"})
		return nil
	}
	if l, ok := strings.CutPrefix(cmd, "lang:"); ok && slices.Contains(Languages, l) {
		t.lang = l
		t.say("language_set", nil)
		return nil
	}
	return fmt.Errorf("conversation: unknown command %q", cmd)
}

func (t *turn) company() map[string]any {
	return map[string]any{"Company": t.e.cfg.Company.Name, "Hotline": t.e.cfg.Company.Hotline}
}

// ownerCases are the owner's latest cases, newest first; openOnly: the open ones.
func (t *turn) ownerCases(openOnly bool) ([]cases.OwnerCase, error) {
	return t.e.svc.OwnerCases(t.ctx, t.tx, t.in.OwnerRef(), openOnly)
}

func (t *turn) status() error {
	cs, err := t.ownerCases(false)
	if err != nil {
		return err
	}
	if len(cs) == 0 && !t.drafting() {
		t.say("no_cases", nil)
		return nil
	}
	var lines []string
	if len(cs) > 0 {
		lines = append(lines, t.t("status_header"))
	}
	for _, c := range cs {
		next := ""
		if c.Next != nil && c.Status.Open() {
			next = t.when(*c.Next)
		}
		lines = append(lines, t.e.cat.text(t.lang, "status_line", map[string]any{
			"Serial": c.Serial, "Category": t.categoryName(c.Category), "Status": t.t("status." + string(c.Status)), "Next": next}))
	}
	var open []Choice
	if t.drafting() { // the question stays open: its choices still count, shown again
		lines = append(lines, t.draftLine())
		open = t.st.Choices
	}
	t.replies = append(t.replies, Outbound{Channel: t.in.Channel, ChatID: t.in.ChatID, Text: strings.Join(lines, "\n"), Choices: open})
	return nil
}

func (t *turn) startSupplement() error {
	cs, err := t.ownerCases(true)
	if err != nil {
		return err
	}
	switch len(cs) {
	case 0:
		t.say("no_open_cases", nil)
		return nil
	case 1:
		t.reset()
		t.st.Serial, t.st.Step = cs[0].Serial, stepSupplement
		t.say("supplement_ask", map[string]any{"Serial": cs[0].Serial}, t.btn("done", "done"))
		return nil
	}
	t.reset()
	t.st.Step = stepSupplementPick
	var choices []Choice
	for _, c := range cs {
		choices = append(choices, Choice{Label: c.Serial + " " + t.categoryName(c.Category), Data: "case:" + c.Serial})
	}
	t.say("supplement_which", nil, choices...)
	return nil
}

func (t *turn) supplement() error {
	tr := cases.Transition{Action: cases.ActAddInfo, Text: t.in.Text, Attachments: t.in.Attachments}
	if strings.TrimSpace(tr.Text) == "" && len(tr.Attachments) == 0 {
		t.say("supplement_ask", map[string]any{"Serial": t.st.Serial}, t.btn("done", "done"))
		return nil
	}
	_, err := t.e.svc.ApplyTx(t.ctx, t.tx, t.now, t.owner(), t.st.Serial, tr)
	if cases.ErrorCode(err) == cases.CodeInvalid || cases.ErrorCode(err) == cases.CodeConflict || cases.ErrorCode(err) == cases.CodeForbidden {
		t.reset()
		t.say("no_open_cases", nil)
		return nil
	}
	if err != nil {
		return err
	}
	t.serial = t.st.Serial
	t.say("supplement_saved", map[string]any{"Serial": t.st.Serial}, t.btn("done", "done"))
	return nil
}

// optOut records 退订 (or 订阅 with false).
func (t *turn) optOut(out bool) error {
	_, err := t.tx.ExecContext(t.ctx, stmt.OptOut, t.in.OwnerRef(), t.lang, out, t.now)
	return err
}
