package main

// What a scenario counted, and the counting: what the owners sent and the
// fakes received against what heed recorded.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"

	"github.com/heedhq/heed/bench/benchfake"
	"github.com/heedhq/heed/bots/slack/slackfake"
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
	must(db.QueryRowContext(ctx, `SELECT count(*) FROM inbound_messages WHERE channel = 'telegram' AND message_id = ANY($1)`,
		pq.Array(ids)).Scan(&res.Recorded))
	res.Confirmed = load.confirmed
	must(db.QueryRowContext(ctx, `SELECT count(*), count(*) - count(DISTINCT owner_ref) FROM cases WHERE channel = 'telegram'`).Scan(&res.Cases, &res.CasesTwice))
	// Per owner chat: the messages heed queued (one sendMessage each),
	// those it recorded as sent, the uncertain sends among them.
	rows, err := db.QueryContext(ctx, `SELECT chat_id, count(*), count(*) FILTER (WHERE state = 'sent'), coalesce(sum(uncertain), 0)
		FROM outbox WHERE channel = 'telegram' AND kind = 'message' GROUP BY chat_id`)
	if err != nil {
		must(err)
		return
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var chat string
		var queued, sent, uncertain int
		must(rows.Scan(&chat, &queued, &sent, &uncertain))
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
	must(rows.Err())
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
	rows, err := db.QueryContext(ctx, `SELECT chat_id, count(*), coalesce(sum(uncertain), 0),
		coalesce(extract(epoch FROM max(sent_at - created_at)), 0) FROM outbox WHERE channel = 'slack' GROUP BY chat_id`)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return
	}
	defer rows.Close()
	for rows.Next() {
		var chat string
		var queued, uncertain int
		var longest float64
		if err := rows.Scan(&chat, &queued, &uncertain, &longest); err != nil {
			res.Errors = append(res.Errors, err.Error())
			return
		}
		res.SlackQueued += queued
		res.SlackDelivered += got[chat]
		res.SlackMissing += max(0, queued-got[chat])
		res.SlackDoubledBeyond += max(0, got[chat]-queued-uncertain)
		res.SlackLongest = max(res.SlackLongest, time.Duration(longest*float64(time.Second)))
		delete(got, chat)
	}
	for _, n := range got { // calls to a channel heed queued nothing for
		res.SlackDelivered += n
		res.SlackDoubledBeyond += n
	}
	if !downFrom.IsZero() {
		var longest float64
		if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(extract(epoch FROM max(sent_at - created_at)), 0) FROM outbox
			WHERE channel = 'slack' AND created_at BETWEEN $1 AND $2`, downFrom, downFrom.Add(down)).Scan(&res.SlackDuringDown, &longest); err != nil {
			res.Errors = append(res.Errors, err.Error())
		}
		res.SlackLongestDuringDown = time.Duration(longest * float64(time.Second))
	}
}
