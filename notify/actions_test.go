package notify_test

import (
	"slices"
	"testing"

	"github.com/heedhq/heed/notify"
)

func TestButtonDataReadsBackWhatWasBuilt(t *testing.T) {
	for _, tc := range []struct {
		kind  string
		parts []string
	}{
		{notify.DataAct, []string{"acknowledge", "TS-2026-000123"}},
		{notify.DataAct, []string{"transfer", "TS-2026-000123", "security"}},
		{notify.DataFeedback, []string{"no", "TS-2026-000123"}},
		{notify.DataRevisit, []string{"s", "4", "TS-2026-000123"}},
		{notify.DataSurvey, []string{"12", "priority", "收费透明:含公摊"}}, // a value with the separator in it
		{notify.DataCategory, []string{"repair"}},
		{notify.DataCommand, []string{"status"}},
	} {
		data := notify.Data(tc.kind, tc.parts...)
		kind, parts, ok := notify.ParseData(data)
		if !ok || kind != tc.kind || !slices.Equal(parts, tc.parts) {
			t.Errorf("%q read back as %q %q %v", data, kind, parts, ok)
		}
	}
	for _, bad := range []string{"", "confirm", "lang:en", "act", "act:acknowledge", "act::TS-1"} {
		if _, _, _, ok := notify.ParseAct(bad); ok {
			t.Errorf("%q read as a card action", bad)
		}
	}
	if a, s, c, ok := notify.ParseAct(notify.ActData("assign_handler", "TS-2026-000123", "eng.zhang")); !ok ||
		a != "assign_handler" || s != "TS-2026-000123" || c != "eng.zhang" {
		t.Errorf("act data read as %q %q %q", a, s, c)
	}
}
