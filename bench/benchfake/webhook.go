package benchfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// FirstMessage is what a new owner writes first in the benchmarks.
const FirstMessage = "楼上漏水很严重，天花板在滴水，3栋2单元1102"

// Update is the Telegram update of an owner's message, or with button set
// their press of it on message msgID: id is the update's (and the
// message's, or the callback query's) id.
func Update(user, id int64, text, button string, msgID int) []byte {
	from := map[string]any{"id": user, "is_bot": false, "first_name": "业主"}
	chat := map[string]any{"id": user, "type": "private"}
	u := map[string]any{"update_id": id, "message": map[string]any{
		"message_id": id, "date": time.Now().Unix(), "text": text, "chat": chat, "from": from}}
	if button != "" {
		u = map[string]any{"update_id": id, "callback_query": map[string]any{"id": strconv.FormatInt(id, 10), "from": from,
			"data": button, "message": map[string]any{"message_id": msgID, "date": time.Now().Unix(), "chat": chat, "text": "?"}}}
	}
	b, _ := json.Marshal(u)
	return b
}

// Request is the post of an update to heed's Telegram webhook url, signed
// with the webhook's secret.
func Request(ctx context.Context, url, secret string, body []byte) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	return req
}

// Post posts an update and returns how long heed took to answer 200; any
// other answer is an error.
func Post(client *http.Client, url, secret string, body []byte) (time.Duration, error) {
	t0 := time.Now()
	res, err := client.Do(Request(context.Background(), url, secret, body))
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body) //nolint:errcheck
	res.Body.Close()
	if res.StatusCode != 200 {
		return 0, fmt.Errorf("webhook answered %d", res.StatusCode)
	}
	return time.Since(t0), nil
}

// Inbound is the load of first messages: clients post, for d, each update
// from a new owner (a full first turn every time; random ids above
// userBase, so that keys spread over the indexes as pgbench's do). It
// returns the rate, the latencies' p50 and p99 and how many were answered
// 200; anything else stops it with the error.
func Inbound(client *http.Client, url, secret string, clients int, d time.Duration, userBase int64) (rate float64, p50, p99 time.Duration, n int, err error) {
	var mu sync.Mutex
	var lat []time.Duration
	var first error
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(stop) {
				id := rand.Int64N(1_000_000_000_000) + 1
				user := rand.Int64N(1_000_000_000) + int64(c) + userBase
				took, err := Post(client, url, secret, Update(user, id, FirstMessage, "", 0))
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				mine = append(mine, took)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if first != nil {
		return 0, 0, 0, 0, first
	}
	slices.Sort(lat)
	n = len(lat)
	return float64(n) / d.Seconds(), lat[n*50/100], lat[n*99/100], n, nil
}
