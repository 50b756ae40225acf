package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases/casestest"
)

// tgCard waits for the newest card in a Telegram chat that names serial and
// starts with title, and returns its text.
func tgCard(t *testing.T, fake *telegramfake.Server, chat, serial, title string) string {
	t.Helper()
	var text string
	waitFor(t, title+" card of "+serial+" in "+chat, func() bool {
		for _, c := range fake.Calls("") {
			if (c.Method == "sendMessage" || c.Method == "editMessageText") && c.Params["chat_id"] == chat &&
				strings.HasPrefix(c.Params["text"], title) && strings.Contains(c.Params["text"], serial) {
				text = c.Params["text"]
			}
		}
		return text != ""
	})
	return text
}

// The signals of a major complaint, written by owners on Telegram: each is
// kept on the case and shown on the department's dispatch card; lawsuit
// and media make it major (the general manager is told at once), a
// government hotline, a petition or many households are warnings. The
// same words negated give nothing.
func TestAcceptSignalsFromTheOwnersWords(t *testing.T) {
	h, tg := startTelegramHeed(t, casestest.URL(t))
	for i, tc := range []struct {
		text  string
		shown string // on the dispatch card after "⚠ 升级迹象：", "" for no line
		major bool
	}{
		{"楼上漏水三个月了一直没人修，再不解决我就去法院起诉你们", "起诉/律师", true},
		{"卫生间天花板漏水半个月没人管，我要找电视台记者来曝光", "媒体曝光", true},
		{"家里水管漏水报修三次都没人来，明天就打12345投诉", "政府热线（12345/市长热线）", false},
		{"楼上漏水一直没修好，我准备去信访办反映", "信访", false},
		{"楼上漏水好几个月，我们整栋楼的业主准备联名投诉", "多户业主", false},
		{"楼上漏水三个月，我不打算请律师，尽快修就行", "", false},
		{"卫生间漏水，我不会找媒体的，尽快来修", "", false},
		{"水管漏水好几天了，我没打12345，先找你们物业", "", false},
		{"楼上漏水一直没修好，我不想去信访，希望你们尽快处理", "", false},
		{"楼上漏水渗到我家，不是全体业主的事，就我们一家", "", false},
	} {
		o := &tgOwner{h: h, fake: tg, id: 5300001 + int64(i), lang: "zh-hans"}
		o.finishIntake(t, o.says(t, tc.text), fmt.Sprintf("7栋1单元%d01", i+1), fmt.Sprintf("陈先生 137000%02d222", i))
		rows := h.ownerCases(t, fmt.Sprint("telegram:", o.id))
		if len(rows) != 1 {
			t.Fatalf("%s: %d cases", tc.text, len(rows))
		}
		serial := rows[0].Serial
		var dept string
		h.db.Get(&dept, `SELECT department FROM cases WHERE serial = $1`, serial)
		chat := map[string]string{"engineering": "-1001234500001", "service": "-1001234500002", "security": "-1001234500003",
			"environment": "-1001234500004", "finance": "-1001234500005", "quality": "-1001234500006"}[dept]
		card := tgCard(t, tg, chat, serial, "【派单】")
		line := "⚠ 升级迹象：" + tc.shown + "\n"
		switch {
		case tc.shown != "" && !strings.Contains(card, line):
			t.Errorf("%s: the dispatch card lacks %q:\n%s", tc.text, line, card)
		case tc.shown == "" && strings.Contains(card, "升级迹象"):
			t.Errorf("%s: the dispatch card shows a signal the owner did not give:\n%s", tc.text, card)
		}
		if got := strings.Contains(card, "【重大】"); got != tc.major {
			t.Errorf("%s: major on the card %v, want %v:\n%s", tc.text, got, tc.major, card)
		}
		if tc.major {
			gm := tgCard(t, tg, chGM.tg, serial, "【重大投诉】")
			if !strings.Contains(gm, "重大原因："+tc.shown) {
				t.Errorf("%s: the general manager's card:\n%s", tc.text, gm)
			}
		} else if n := h.queuedCards(t, chGM.tg, serial); n != 0 {
			t.Errorf("%s: %d cards for the general manager", tc.text, n)
		}
	}
}

// queuedCards counts the cards of serial heed queued for a chat.
func (h *heed) queuedCards(t *testing.T, chat, serial string) int {
	t.Helper()
	var n int
	if err := h.db.Get(&n, `SELECT count(*) FROM outbox WHERE chat_id = $1 AND case_serial = $2 AND kind = 'card'`, chat, serial); err != nil {
		t.Fatal(err)
	}
	return n
}
