package desk_test

import (
	"strings"
	"testing"

	"github.com/heedhq/heed/cases/report"
	"github.com/heedhq/heed/notify/desk"
)

// The analysis in chat counts praise and suggestions apart from the
// complaints, and names the signals owners gave.
func TestQuarterlySummaryCountsPraiseApart(t *testing.T) {
	a := &report.Analysis{Company: "示例物业", Label: "2026-Q3", Total: 4,
		OwnerMessages: report.OwnerMessages{Praise: 3, Suggestions: 2, Inquiries: 5},
		Signals:       []report.Count{{Key: "lawsuit", Count: 1}, {Key: "media"}, {Key: "hotline", Count: 2}}}
	got := desk.QuarterlySummary(a)
	for _, want := range []string{"投诉 4 件", "非投诉留言（不计入投诉）：表扬 3，建议 2，咨询 5", "业主提到的升级迹象（件）：起诉/律师 1，政府热线（12345/市长热线） 2\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("the summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "媒体曝光") {
		t.Errorf("a signal no owner gave is listed:\n%s", got)
	}
}
