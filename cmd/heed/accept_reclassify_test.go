package main

import (
	"fmt"
	"strings"
	"testing"
)

// 改类别 from team chat, on Telegram and on Slack: a handler may not; the
// department's manager picks another category, the cards show it, the
// correction is kept — and a heed that learns from it (another replica
// starting) proposes the new category to the next owner who writes the
// same words.
func TestAcceptReclassifyTeachesHeed(t *testing.T) {
	const words = "阳台推拉门坏了关不上，一刮风就呼呼响" // repair to the grown corpus (main), not yet house quality
	bothDesks(t, 9700, func(t *testing.T, a *acceptance) {
		d := a.desk
		got := a.owner.says(t, words)
		if p := proposed(t, got[len(got)-1]); p != "cat:repair" {
			t.Fatalf("heed proposes %s before any correction; the test needs words it reads as repair", p)
		}
		a.owner.finishIntake(t, got, "12栋1单元502", "孙女士 13700005555")
		rows := a.h.ownerCases(t, fmt.Sprint("telegram:", a.owner.id))
		serial := rows[len(rows)-1].Serial
		d.waitCard(t, chEng, serial, serial+" 工程维修")

		// The handler is not the one to change it.
		d.press(t, pZhang, chEng, serial, "改类别")
		if got := d.told(t, pZhang, "不能改类别"); !strings.Contains(got, "工程部经理") {
			t.Fatalf("the handler was told %q", got)
		}
		// The manager puts it in 房屋质量 (the new door is under warranty).
		d.press(t, pLi, chEng, serial, "改类别")
		d.choose(t, pLi, chEng, "房屋质量")
		d.told(t, pLi, "已将类别改为「房屋质量」")
		card := d.waitCard(t, chEng, serial, serial+" 房屋质量") // Slack's text leaves the history to the blocks
		if !strings.HasPrefix(card, "【派单】") || d.platform() == "telegram" && !strings.Contains(card, "李建华 改类别") {
			t.Fatalf("the department's card after 改类别:\n%s", card)
		}
		d.waitCard(t, chSpec, serial, "【投诉跟进】"+serial+" 房屋质量")

		var corr struct {
			Text, Category, Actor, Serial string
			Staff                         bool
		}
		if err := a.h.db.Get(&corr, `SELECT text, category, actor, serial, staff FROM understanding_corrections`); err != nil {
			t.Fatal(err)
		}
		if corr.Text != words || corr.Category != "house_quality" || corr.Actor != "eng.li" || corr.Serial != serial || !corr.Staff {
			t.Fatalf("correction kept: %+v", corr)
		}

		// Another heed on the same database learns it at start.
		other := startHeedOn(t, a.h.dsn, map[string]string{"HEED_TELEGRAM_TOKEN": tgToken,
			"HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": a.tg.URL})
		next := &tgOwner{h: other, fake: a.tg, id: a.owner.id + 50, lang: "zh-hans"}
		got = next.says(t, words)
		if p := proposed(t, got[len(got)-1]); p != "cat:house_quality" {
			t.Fatalf("after the manager's correction heed proposes %s for %q", p, words)
		}
	})
}
