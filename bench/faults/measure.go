package main

// What a scenario counted, and the counting: what the owners sent and the
// fakes received against what heed recorded.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/bench/benchfake"
	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// result is what a scenario counted.
type result struct {
	Name                  string
	Updates               int    // distinct updates the owners sent
	Posts                 int    // HTTP posts in all (duplicates, retries)
	Accepted, Recorded    int    // distinct updates answered 2xx / found in inbound_messages
	Refused               int    // posts answered non-2xx or not at all (retried)
	TurnsAnswered, Turns  int    // turns whose reply reached the fake
	Expected, Received    int    // replies queued (outbox rows) / delivered at the fake
	Missing, Doubled      int    // replies queued and not delivered / delivered more often than queued
	Uncertain             int    // sends whose outcome heed never learned (documented: may arrive twice)
	DoubledBeyond         int    // doubled beyond the uncertain ones
	CasesTwice            int    // cases beyond one per owner
	Cases, Confirmed      int    // cases created / complaints the owners confirmed
	Faults                string // what was done: kills, restarts, platform faults
	LongestWait           time.Duration
	LongestUnaffectedWait time.Duration // for chats no fault touched (platform scenario)
	LongestFaultedWait    time.Duration // for chats that got a 429 or 500, not held
	slowest               string        // the unaffected chat that waited longest
	killed                bool          // heed was killed: every chat waits for the takeover
	Took                  time.Duration
	LogErrors             int // ERROR lines heed logged
	// Slack, the other platform: its messages (dispatch cards) queued,
	// delivered, missing, doubled beyond uncertain, and the longest time
	// one took from queued to recorded sent.
	SlackQueued, SlackDelivered, SlackMissing, SlackDoubledBeyond int
	SlackLongest                                                  time.Duration
	SlackDuringDown                                               int           // queued while Telegram was down
	SlackLongestDuringDown                                        time.Duration // the longest of those
	Errors                                                        []string
}

// failed says what a result shows lost or doubled ("" none).
func (r result) failed() string {
	switch {
	case len(r.Errors) > 0:
		return r.Errors[0]
	case r.Accepted != r.Recorded:
		return fmt.Sprintf("%d updates answered 2xx but not recorded", r.Accepted-r.Recorded)
	case r.Accepted != r.Updates:
		return fmt.Sprintf("%d updates never accepted", r.Updates-r.Accepted)
	case r.Missing > 0 || r.TurnsAnswered != r.Turns:
		return fmt.Sprintf("%d replies missing, %d turns unanswered", r.Missing, r.Turns-r.TurnsAnswered)
	case r.DoubledBeyond > 0:
		return fmt.Sprintf("%d replies doubled beyond the %d uncertain", r.DoubledBeyond, r.Uncertain)
	case r.Cases-r.CasesTwice != r.Confirmed:
		return fmt.Sprintf("%d complaints confirmed, %d owners with a case", r.Confirmed, r.Cases-r.CasesTwice)
	case r.CasesTwice > 0:
		return fmt.Sprintf("%d owners with a case twice", r.CasesTwice)
	case r.SlackMissing > 0 || r.SlackDoubledBeyond > 0:
		return fmt.Sprintf("Slack: %d missing, %d doubled beyond the uncertain", r.SlackMissing, r.SlackDoubledBeyond)
	case r.SlackLongestDuringDown > sendTimeout:
		return fmt.Sprintf("with Telegram down a Slack message took %s (send timeout %s)", r.SlackLongestDuringDown, sendTimeout)
	case !r.killed && r.LongestUnaffectedWait > sendTimeout: // a kill stalls every chat until the takeover
		return fmt.Sprintf("chat %s, which no fault touched, waited %s for a reply (send timeout %s)", r.slowest, r.LongestUnaffectedWait, sendTimeout)
	}
	return ""
}

// count compares what the owners sent and the fake received with what
// heed recorded.
func (h *harness) count(ctx context.Context, db *sql.DB, load *owners, fake *benchfake.Telegram, victim string, base int64, n int, res *result) {
	load.mu.Lock()
	defer load.mu.Unlock()
	res.Updates, res.Posts, res.Refused = load.updates, int(load.posts.Load()), int(load.refused.Load())
	res.Accepted, res.Turns, res.TurnsAnswered = len(load.accepted), load.turnsTried, load.turnsAnswered
	for chat, w := range load.waits {
		res.LongestWait = max(res.LongestWait, w)
		switch {
		case victim == "" || chat == victim:
		case fake.WasFaulted(chat):
			res.LongestFaultedWait = max(res.LongestFaultedWait, w)
		default:
			if w > res.LongestUnaffectedWait {
				res.LongestUnaffectedWait, res.slowest = w, chat
			}
		}
	}
	ids := make([]string, 0, len(load.accepted))
	for id := range load.accepted {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	must := func(err error) {
		if err != nil {
			res.Errors = append(res.Errors, err.Error())
		}
	}
	x := sqlx.NewDb(db, "postgres")
	recorded, err := conversation.CountInbound(ctx, x, "telegram", ids)
	must(err)
	res.Recorded = recorded
	res.Confirmed = load.confirmed
	res.Cases, res.CasesTwice, err = cases.ChannelCases(ctx, x, "telegram")
	must(err)
	// Per owner chat: the messages heed queued (one sendMessage each),
	// those it recorded as sent, the uncertain sends among them.
	chats, err := notify.ChatDeliveries(ctx, x, "telegram", "message", time.Time{}, time.Time{})
	if err != nil {
		must(err)
		return
	}
	seen := map[string]bool{}
	for _, c := range chats {
		chat, queued, uncertain := c.ChatID, c.Queued, c.Uncertain
		id, _ := strconv.ParseInt(chat, 10, 64)
		if id <= base || id > base+int64(n) {
			continue // not an owner's chat
		}
		seen[chat] = true
		got := fake.Received(chat)
		res.Expected += queued
		res.Received += got
		res.Uncertain += uncertain
		res.Missing += max(0, queued-got)
		res.Doubled += max(0, got-queued)
		res.DoubledBeyond += max(0, got-queued-uncertain)
	}
	for i := 1; i <= n; i++ { // messages to a chat heed queued nothing for
		chat := strconv.FormatInt(base+int64(i), 10)
		if got := fake.Received(chat); !seen[chat] && got > 0 {
			res.Received += got
			res.Doubled += got
			res.DoubledBeyond += got
		}
	}
}

// countSlack compares Slack's outbox rows with the calls the fake answered:
// each row is one post or one edit of a card already posted.
func (h *harness) countSlack(ctx context.Context, db *sql.DB, sl *slackfake.Server, downFrom time.Time, down time.Duration, res *result) {
	got := map[string]int{}
	for _, c := range sl.Calls("") {
		if c.Result["ts"] != "" && c.Method != "auth.test" {
			got[c.Params["channel"]]++
		}
	}
	x := sqlx.NewDb(db, "postgres")
	chats, err := notify.ChatDeliveries(ctx, x, "slack", "", time.Time{}, time.Time{})
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return
	}
	for _, c := range chats {
		chat := c.ChatID
		res.SlackQueued += c.Queued
		res.SlackDelivered += got[chat]
		res.SlackMissing += max(0, c.Queued-got[chat])
		res.SlackDoubledBeyond += max(0, got[chat]-c.Queued-c.Uncertain)
		res.SlackLongest = max(res.SlackLongest, time.Duration(c.Longest*float64(time.Second)))
		delete(got, chat)
	}
	for _, n := range got { // calls to a channel heed queued nothing for
		res.SlackDelivered += n
		res.SlackDoubledBeyond += n
	}
	if !downFrom.IsZero() {
		// Queued while Slack was down (both ends included).
		during, err := notify.ChatDeliveries(ctx, x, "slack", "", downFrom, downFrom.Add(down+time.Microsecond))
		if err != nil {
			res.Errors = append(res.Errors, err.Error())
		}
		var longest float64
		for _, c := range during {
			res.SlackDuringDown += c.Queued
			longest = max(longest, c.Longest)
		}
		res.SlackLongestDuringDown = time.Duration(longest * float64(time.Second))
	}
}
