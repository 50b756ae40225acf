package main

// The load: owners holding conversations on Telegram, every update posted
// twice and retried until heed answers 2xx; the front desk recording
// phone complaints through the API.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heedhq/heed/bench/benchfake"
)

// lines are what each owner writes, in turn, when heed offers no button
// (otherwise they press the first): a complaint, their unit, their
// contact, then more words.
var lines = []string{
	"楼道的声控灯坏了一个星期，晚上回家很不方便",
	"5栋1单元802",
	"王女士 13912345678",
	"上周三开始就不亮了",
	"请尽快处理，谢谢",
}

// owners is the load: owners holding conversations, each update posted
// twice at once, every post retried until heed answers 2xx.
type owners struct {
	urls   []string // heed's webhook, on each replica
	fake   *benchfake.Telegram
	turns  int
	client *http.Client
	seq    atomic.Int64

	posts, refused atomic.Int64

	mu                        sync.Mutex
	updates                   int
	accepted                  map[int64]bool
	confirmed                 int // complaints confirmed: each makes one case
	turnsTried, turnsAnswered int
	waits                     map[string]time.Duration // chat → longest wait for a reply
}

// reach waits until n updates were accepted, or done.
func (o *owners) reach(done <-chan struct{}, n int) bool {
	for {
		o.mu.Lock()
		got := len(o.accepted)
		o.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-done:
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// replyWait bounds how long an owner waits for heed's reply to one turn.
const replyWait = 60 * time.Second

func (o *owners) owner(ctx context.Context, id int64) {
	chat := strconv.FormatInt(id, 10)
	said, confirmed := 0, false
	// Its turns; an owner whose complaint is not confirmed by then (a
	// message sent twice put them a step behind) goes on, up to twice as
	// many.
	for t := 0; t < o.turns || (!confirmed && t < 2*o.turns); t++ {
		before, button, msgID := o.fake.State(chat)
		upd := o.seq.Add(1) + 1_000_000
		body := benchfake.Update(id, upd, lines[said%len(lines)], button, msgID)
		if button == "" {
			said++
		} else {
			o.fake.Pressed(strconv.FormatInt(upd, 10), chat)
		}

		o.mu.Lock()
		o.updates++
		o.turnsTried++
		o.mu.Unlock()
		// Telegram may deliver an update twice at once (two webhooks in
		// flight), and again after a 5xx or a timeout.
		var first atomic.Int64
		var wg sync.WaitGroup
		for k := range 2 {
			wg.Go(func() {
				if at, ok := o.post(ctx, body, k); ok {
					first.CompareAndSwap(0, at.UnixNano())
				}
			})
		}
		wg.Wait()
		if first.Load() == 0 {
			return // the bound ended
		}
		o.mu.Lock()
		if o.accepted == nil {
			o.accepted = map[int64]bool{}
		}
		o.accepted[upd] = true
		if button == "confirm" {
			o.confirmed++
			confirmed = true
		}
		o.mu.Unlock()
		// Now and then a third delivery later, as when the 2xx was lost.
		if rand.IntN(10) == 0 {
			go o.post(ctx, body, rand.IntN(2))
		}
		at, ok := o.fake.WaitFor(chat, before, replyWait)
		if !ok {
			continue
		}
		wait := at.Sub(time.Unix(0, first.Load()))
		o.mu.Lock()
		o.turnsAnswered++
		o.waits[chat] = max(o.waits[chat], wait)
		o.mu.Unlock()
	}
}

// post sends body until heed answers 2xx; it returns when that was. The
// kth copy goes to the kth replica first, each retry to the next.
func (o *owners) post(ctx context.Context, body []byte, k int) (time.Time, bool) {
	for try := k; ctx.Err() == nil; try++ {
		o.posts.Add(1)
		res, err := o.client.Do(benchfake.Request(ctx, o.urls[try%len(o.urls)], tgSecret, body))
		if err == nil {
			io.Copy(io.Discard, res.Body) //nolint:errcheck
			res.Body.Close()
			if res.StatusCode/100 == 2 {
				return time.Now(), true
			}
		}
		o.refused.Add(1)
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(100+rand.IntN(200)) * time.Millisecond):
		}
	}
	return time.Time{}, false
}

// phoneComplaint records a complaint taken on the phone through the API.
func phoneComplaint(ctx context.Context, base string) error {
	body, _ := json.Marshal(map[string]any{"actor": "front.xu", "channel": "phone", "customer_name": "李先生",
		"contact_phone": "139 0000 1234", "community": "星河湾", "unit": "6栋3单元501", "content": "小区东门的道闸坏了，车辆进出排长队",
		"category": "repair"})
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/cases", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+apiToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("phone complaint: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("phone complaint: %d %s", res.StatusCode, b)
	}
	return nil
}
