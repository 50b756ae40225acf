package desk_test

import (
	"testing"

	"github.com/heedhq/heed/notify/desk"
)

func TestCardActionDataReadsBackWhatWasBuilt(t *testing.T) {
	for _, bad := range []string{"", "confirm", "lang:en", "act", "act:acknowledge", "act::TS-1"} {
		if _, _, _, ok := desk.ParseAct(bad); ok {
			t.Errorf("%q read as a card action", bad)
		}
	}
	if a, s, c, ok := desk.ParseAct(desk.ActData("assign_handler", "TS-2026-000123", "eng.zhang")); !ok ||
		a != "assign_handler" || s != "TS-2026-000123" || c != "eng.zhang" {
		t.Errorf("act data read as %q %q %q", a, s, c)
	}
}
