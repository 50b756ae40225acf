package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/conversation"
)

// Praise and suggestions are counted apart from the complaints, and the
// signals of a major complaint by kind; the register shows each case's.
func TestOwnerMessagesAndSignals(t *testing.T) {
	db, cfg, _, p := setup(t)
	ctx := context.Background()
	in := time.Date(2026, 2, 10, 9, 0, 0, 0, shanghai)
	out := time.Date(2026, 4, 2, 9, 0, 0, 0, shanghai) // the next quarter
	for _, m := range []struct {
		kind string
		at   time.Time
	}{{"praise", in}, {"praise", in}, {"praise", in.Add(time.Hour)}, {"praise", out},
		{"suggestion", in}, {"suggestion", in}, {"inquiry", in}, {"inquiry", out}} {
		if _, err := db.Exec(`INSERT INTO owner_messages (kind, channel, owner_ref, text, language, created_at)
			VALUES ($1, 'telegram', 'telegram:1', '保安小刘很负责', 'zh-CN', $2)`, m.kind, m.at); err != nil {
			t.Fatal(err)
		}
	}
	for serial, signals := range map[string]string{"TS-2026-000001": "{lawsuit,hotline}", "TS-2026-000002": "{hotline}",
		"TS-2026-000003": "{petition,collective}"} {
		if _, err := db.Exec(`UPDATE cases SET signals = $2 WHERE serial = $1`, serial, signals); err != nil {
			t.Fatal(err)
		}
	}
	a, err := Analyze(ctx, db, conversation.ReportFacts{}, cfg, p, ZhCN)
	if err != nil {
		t.Fatal(err)
	}
	if a.Total != 88 || a.OwnerMessages != (OwnerMessages{Praise: 3, Suggestions: 2, Inquiries: 1}) {
		t.Fatalf("total %d (praise is no complaint), owner messages %+v, want 3 praise 2 suggestions 1 question", a.Total, a.OwnerMessages)
	}
	var sig []string
	for _, c := range a.Signals {
		sig = append(sig, fmt.Sprintf("%s=%d", c.Name, c.Count))
	}
	if got := strings.Join(sig, " "); got != "起诉/律师=1 媒体曝光=0 政府热线（12345/市长热线）=2 信访=1 多户业主=1" {
		t.Errorf("signals %s", got)
	}

	var html bytes.Buffer
	if err := WriteHTML(a, &html); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"非投诉留言（不计入投诉）", `<td>表扬</td><td class="n">3</td>`, `<td>建议</td><td class="n">2</td>`,
		`<td>咨询</td><td class="n">1</td>`, "业主提到的升级迹象（件）", `<td>政府热线（12345/市长热线）</td><td class="n">2</td>`} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("the HTML analysis lacks %s", want)
		}
	}
	en, err := Analyze(ctx, db, conversation.ReportFacts{}, cfg, p, En)
	if err != nil {
		t.Fatal(err)
	}
	html.Reset()
	if err := WriteHTML(en, &html); err != nil || !strings.Contains(html.String(), `<td>Praise</td><td class="n">3</td>`) {
		t.Errorf("the English analysis lacks the praise: %v", err)
	}

	var reg bytes.Buffer
	if err := WriteCSV(ctx, db, cfg, p, ZhCN, &reg); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(reg.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := recs[0][34]; h != "升级迹象" {
		t.Errorf("column 35 is %q", h)
	}
	if recs[1][34] != "起诉/律师、政府热线（12345/市长热线）" || recs[3][34] != "信访、多户业主" || recs[4][34] != "" {
		t.Errorf("signals in the register: %q %q %q", recs[1][34], recs[3][34], recs[4][34])
	}
}
