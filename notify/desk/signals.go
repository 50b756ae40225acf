package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/report"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify"
)

// signalNames are the signals of a major complaint as team chat names
// them.
var signalNames = map[string]string{
	config.SignalLawsuit:    "起诉/律师",
	config.SignalMedia:      "媒体曝光",
	config.SignalHotline:    "政府热线（12345/市长热线）",
	config.SignalPetition:   "信访",
	config.SignalCollective: "多户业主",
}

// signalFields show on every card of a case what the owner's words said
// of a major complaint: those that made it major (【重大】 in the title)
// and those that did not — a threat of the hotline or a petition — as a
// warning for whoever answers.
func signalFields(c *cases.Case) []notify.Field {
	if len(c.Signals) == 0 {
		return nil
	}
	names := make([]string, len(c.Signals))
	for i, s := range c.Signals {
		names[i] = orDash(signalNames[s])
	}
	return []notify.Field{field("⚠ 升级迹象", strings.Join(names, "、"))}
}

// ownerWords is what the period's owners said besides their complaints,
// for the analysis in chat: praise, suggestions and questions counted
// apart, and the cases whose owners spoke of escalating.
func ownerWords(a *report.Analysis) string {
	m := a.OwnerMessages
	line := fmt.Sprintf("非投诉留言（不计入投诉）：表扬 %d，建议 %d，咨询 %d\n", m.Praise, m.Suggestions, m.Inquiries)
	var sig []string
	for _, s := range a.Signals {
		if s.Count > 0 {
			sig = append(sig, fmt.Sprintf("%s %d", signalNames[s.Key], s.Count))
		}
	}
	if len(sig) > 0 {
		line += "业主提到的升级迹象（件）：" + strings.Join(sig, "，") + "\n"
	}
	return line
}

// MajorFromTheStart is the hook (cases.Hook) that tells the general manager of a case that was major
// when it was registered — the owner's words named a lawsuit or the media
// (rules.major_signals), or enough households complained together — as
// soon as it has found its department: its measures will need the general
// manager's approval. A case made major later is told by PathCards.
func (d *Desk) MajorFromTheStart(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change) error {
	c := ch.Case
	if !d.teamChat() || !c.Major {
		return nil
	}
	switch {
	case ch.Action == "create" && d.autoDispatched(c):
		return nil // told once it is dispatched, with the buttons it has then
	case ch.Action == "create":
	case ch.Action == string(cases.ActDispatch) && ch.Actor.Kind == cases.ActorSystem && ch.Before != nil &&
		ch.Before.Status == cases.StatusReceived && ch.Before.Major:
	default:
		return nil
	}
	full := *c
	if err := d.svc.Details(ctx, tx, &full); err != nil {
		return err
	}
	return d.majorCard(ctx, tx, now, &full)
}

// autoDispatched says whether the cases service dispatches a new case at
// once (rules.dispatch auto, not a repeat, its category has a department).
func (d *Desk) autoDispatched(c *cases.Case) bool {
	cat, ok := d.cfg.Category(c.Category)
	return d.cfg.Rules.Dispatch != "manual" && !c.Repeat && ok && cat.Department != ""
}
