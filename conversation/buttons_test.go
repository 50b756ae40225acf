package conversation_test

import (
	"slices"
	"testing"

	"github.com/heedhq/heed/conversation"
)

func TestButtonDataReadsBackWhatWasBuilt(t *testing.T) {
	for _, tc := range []struct {
		kind  string
		parts []string
	}{
		{conversation.DataAct, []string{"acknowledge", "TS-2026-000123"}},
		{conversation.DataAct, []string{"transfer", "TS-2026-000123", "security"}},
		{conversation.DataFeedback, []string{"no", "TS-2026-000123"}},
		{conversation.DataRevisit, []string{"s", "4", "TS-2026-000123"}},
		{conversation.DataSurvey, []string{"12", "priority", "收费透明:含公摊"}}, // a value with the separator in it
		{conversation.DataCategory, []string{"repair"}},
		{conversation.DataCommand, []string{"status"}},
	} {
		data := conversation.Data(tc.kind, tc.parts...)
		kind, parts, ok := conversation.ParseData(data)
		if !ok || kind != tc.kind || !slices.Equal(parts, tc.parts) {
			t.Errorf("%q read back as %q %q %v", data, kind, parts, ok)
		}
	}
}
