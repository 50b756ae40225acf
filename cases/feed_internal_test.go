package cases

import (
	"fmt"
	"testing"
)

// TestFeedSlowSubscriber: a subscriber too far behind is told to look
// again, once, and then hears what follows; the others lose nothing.
func TestFeedSlowSubscriber(t *testing.T) {
	f := NewFeed("", nil)
	slow, stopSlow := f.Subscribe()
	defer stopSlow()
	for i := range feedBuffer + 1 {
		f.tell(fmt.Sprint("S-", i))
	}
	f.tell("S-last")
	var got []string
	for len(slow) > 0 {
		got = append(got, <-slow)
	}
	if len(got) != 2 || got[0] != FeedAll || got[1] != "S-last" {
		t.Errorf("the slow subscriber got %q", got)
	}
	quick, stopQuick := f.Subscribe()
	f.tell("S-1")
	stopQuick()
	if s, ok := <-quick; !ok || s != "S-1" {
		t.Errorf("got %q, %v", s, ok)
	}
	if _, ok := <-quick; ok {
		t.Error("a stopped subscription is open")
	}
	f.tell("S-2") // no one closed is told
}
