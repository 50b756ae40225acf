// Command faults is heed's fault harness: it builds heed, starts a fake
// Telegram and its own PostgreSQL on loopback, and has owners hold
// conversations — every update posted twice at once, retried until heed
// answers 2xx, now and then once more later — while
//
//	kill:     heed is SIGKILLed and restarted a few times;
//	replicas: two heed on the one database, each update's two copies sent
//	          one to each, the first replica killed and restarted;
//	pg:       PostgreSQL is restarted (pg_ctl restart -m fast);
//	pgdown:   PostgreSQL is stopped for 10 s, then started;
//	platform: the fake answers 429 (retry_after) and 500 now and then and
//	          holds one chat's calls for twice heed's send timeout;
//	down:     Telegram holds every call for 12 s: Slack (dispatch cards)
//	          must keep flowing;
//	mixed:    platform's faults and kill's at once (a held send out at a
//	          kill).
//
// Per scenario it prints updates accepted (2xx) vs recorded, replies queued
// vs delivered at the fake, replies missing, doubled, the uncertain sends
// (heed died mid-call: documented as possibly doubled), doubled beyond
// those, cases created twice and the longest wait for a reply. It exits 1
// when anything was lost or doubled beyond the uncertain sends, or an
// unaffected chat waited longer than the send timeout.
//
// The PostgreSQL is a throwaway cluster it makes in a temporary directory
// (as scripts/pg does; as root it runs as user postgres). With -server URL
// (or -server env: TEST_DATABASE_URL) it uses that server instead and skips
// the pg and pgdown scenarios, which need a cluster it can restart.
//
//	scripts/bench faults [-owners 200 -turns 5 -kills 3 -restarts 2]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

func main() {
	owners := flag.Int("owners", 200, "owners per scenario")
	nturns := flag.Int("turns", 7, "turns per owner (the 7th confirms the complaint)")
	clients := flag.Int("clients", 32, "owners talking at once")
	kills := flag.Int("kills", 3, "kill -9 of heed in the kill scenario")
	restarts := flag.Int("restarts", 2, "PostgreSQL restarts in the pg scenario")
	only := flag.String("only", "kill,replicas,pg,pgdown,platform,down,mixed", "scenarios to run")
	server := flag.String("server", "", `a PostgreSQL URL to use instead of an own cluster ("env": TEST_DATABASE_URL); no pg scenario`)
	flag.Parse()
	if *server == "env" {
		*server = os.Getenv("TEST_DATABASE_URL")
	}
	var scs []scenario
	for _, name := range strings.Split(*only, ",") {
		sc := scenario{Name: name, Owners: *owners, Turns: *nturns, Clients: *clients, Bound: 5 * time.Minute}
		switch name {
		case "kill":
			sc.Kills = *kills
		case "pg":
			sc.PGRestarts = *restarts
		case "platform":
			sc.Platform = true
		case "down":
			sc.Down = 12 * time.Second
		case "replicas":
			sc.Replicas, sc.Kills = 2, *kills
		case "mixed":
			sc.Platform, sc.Kills = true, *kills
		case "pgdown":
			sc.PGDown = 10 * time.Second
		default:
			fmt.Fprintf(os.Stderr, "faults: unknown scenario %q (kill, replicas, pg, pgdown, platform, down, mixed)\n", name)
			os.Exit(2)
		}
		scs = append(scs, sc)
	}
	root, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(2)
	}
	dir, err := os.MkdirTemp("", "heed-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(2)
	}
	results, err := runAll(context.Background(), root, dir, *server, scs, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(2)
	}
	bad := false
	for _, r := range results {
		if why := r.failed(); why != "" {
			fmt.Printf("FAIL %s: %s\n", r.Name, why)
			bad = true
		}
	}
	if bad {
		os.Exit(1)
	}
	fmt.Println("ok: nothing lost, nothing doubled beyond the uncertain sends")
}

// runAll builds heed, provides PostgreSQL and runs the scenarios, printing
// each result to out as it comes.
func runAll(ctx context.Context, root, dir, server string, scs []scenario, out io.Writer) ([]result, error) {
	bin, err := build(root, dir)
	if err != nil {
		return nil, err
	}
	var pg *postgres
	if server != "" {
		pg = givenServer(server)
	} else if pg, err = ownCluster(); err != nil {
		return nil, err
	}
	defer pg.stop()
	h := &harness{root: root, bin: bin, dir: dir, pg: pg}
	fmt.Fprintf(out, "heed logs: %s\n", dir)
	var results []result
	for _, sc := range scs {
		if (sc.PGRestarts > 0 || sc.PGDown > 0) && pg.restart == nil {
			fmt.Fprintf(out, "%-9s skipped: PostgreSQL is given by URL, the harness cannot restart it\n", sc.Name)
			continue
		}
		r := h.run(ctx, sc)
		fmt.Fprintln(out, r.line())
		results = append(results, r)
	}
	return results, nil
}

// line is a result as one line of figures.
func (r result) line() string {
	s := fmt.Sprintf("%-9s %4d owners' updates: accepted %d, recorded %d (%d posts, %d refused and retried); "+
		"turns answered %d/%d; replies queued %d, delivered %d, missing %d, doubled %d, uncertain %d, doubled beyond uncertain %d; "+
		"complaints confirmed %d, cases %d, twice %d; longest wait for a reply %.1f s",
		r.Name, r.Updates, r.Accepted, r.Recorded, r.Posts, r.Refused, r.TurnsAnswered, r.Turns, r.Expected, r.Received,
		r.Missing, r.Doubled, r.Uncertain, r.DoubledBeyond, r.Confirmed, r.Cases, r.CasesTwice, r.LongestWait.Seconds())
	if r.LongestUnaffectedWait > 0 {
		s += fmt.Sprintf(", for chats no fault touched %.1f s, for chats that got a 429 or 500 %.1f s",
			r.LongestUnaffectedWait.Seconds(), r.LongestFaultedWait.Seconds())
	}
	if r.Faults != "" {
		s += "; faults: " + r.Faults
	}
	s += fmt.Sprintf("; Slack: queued %d, delivered %d, missing %d, doubled beyond uncertain %d, longest %.1f s",
		r.SlackQueued, r.SlackDelivered, r.SlackMissing, r.SlackDoubledBeyond, r.SlackLongest.Seconds())
	if r.SlackDuringDown > 0 {
		s += fmt.Sprintf(" (%d queued while Telegram was down: longest %.1f s)", r.SlackDuringDown, r.SlackLongestDuringDown.Seconds())
	}
	s += fmt.Sprintf("; %d ERROR log lines; took %.0f s", r.LogErrors, r.Took.Seconds())
	for _, e := range r.Errors {
		s += "\n  error: " + e
	}
	return s
}
