package desk

import (
	"slices"
	"testing"
)

// Every action a card can offer is listed once in the order a console
// shows them (Actions), so none is left out of a person's list.
func TestActionOrderListsEveryAction(t *testing.T) {
	if len(actionOrder) != len(deskActions) {
		t.Errorf("%d actions listed, %d known", len(actionOrder), len(deskActions))
	}
	for name := range deskActions {
		if n := slices.Index(actionOrder, name); n < 0 || slices.Index(actionOrder[n+1:], name) >= 0 {
			t.Errorf("%s is listed %v times", name, n)
		}
	}
}
