package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/heedhq/heed/bots/api"
	"github.com/heedhq/heed/config"
)

const tokenUsage = `usage: heed token create --person STAFF_ID --name LABEL [--expires 90d] [--read-only]
       heed token list
       heed token revoke NAME|ID
(each also takes --config FILE)`

// tokenCmd is `heed token create|list|revoke`: the per-person API tokens.
// create prints the token once; only its hash is stored.
func tokenCmd(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	fs := flag.NewFlagSet("heed token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "the company's configuration file (default: heed.yaml when present, else examples/heed.yaml in a checkout)")
	person := fs.String("person", "", "create: the staff id the token acts as")
	name := fs.String("name", "", "create: the token's label, shown in every case event it signs")
	expires := fs.String("expires", "", "create: lifetime, e.g. 90d, 24h or 6mo (default: until revoked)")
	readOnly := fs.Bool("read-only", false, "create: the token may only read (GET)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := configAt(*cfgPath, env, stderr)
	if err != nil {
		return err
	}
	now := time.Now()
	var ttl time.Duration
	switch args[0] {
	case "create":
		if fs.NArg() > 0 {
			return errors.New(tokenUsage)
		}
		if *name == "" {
			return errors.New("heed token create: --name is required (a label such as li-laptop)")
		}
		if _, ok := cfg.StaffByID(*person); !ok {
			return fmt.Errorf("heed token create: --person %q is not a staff id of the configuration", *person)
		}
		if *expires != "" {
			sp, err := config.ParseSpan(*expires)
			switch {
			case err != nil:
				return fmt.Errorf("heed token create: --expires: %w", err)
			case sp.Unit == config.SpanElapsed:
				ttl = sp.D
			case sp.Unit == config.SpanMonths:
				ttl = now.AddDate(0, sp.N, 0).Sub(now)
			default:
				return errors.New("heed token create: --expires counts wall time (90d, 24h) or months (6mo), not working time")
			}
		}
	case "list":
		if fs.NArg() > 0 {
			return errors.New(tokenUsage)
		}
	case "revoke":
		if fs.NArg() != 1 {
			return errors.New(tokenUsage)
		}
	default:
		return errors.New(tokenUsage)
	}
	db, err := open(ctx, cfg.DatabaseURL, cfg.Calendar.TimeZone)
	if err != nil {
		return err
	}
	defer db.Close()
	switch args[0] {
	case "create":
		secret, t, err := api.CreateToken(ctx, db, *person, *name, ttl, *readOnly, now)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, secret)
		until := "until revoked"
		if t.ExpiresAt != nil {
			until = "until " + t.ExpiresAt.Format(time.RFC3339)
		}
		fmt.Fprintf(stderr, "heed: token %q (id %d) acts as %s %s; it is shown only now\n", t.Name, t.ID, t.Person, until)
	case "list":
		list, err := api.ListTokens(ctx, db)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPERSON\tACCESS\tCREATED\tSTATE")
		for _, t := range list {
			access, state := "read-write", "live"
			if t.ReadOnly {
				access = "read-only"
			}
			switch {
			case t.RevokedAt != nil:
				state = "revoked " + t.RevokedAt.Format(time.DateTime)
			case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
				state = "expired " + t.ExpiresAt.Format(time.DateTime)
			case t.ExpiresAt != nil:
				state = "expires " + t.ExpiresAt.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Person, access, t.CreatedAt.Format(time.DateTime), state)
		}
		return tw.Flush()
	case "revoke":
		t, err := api.RevokeToken(ctx, db, fs.Arg(0), now)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "heed: token %q (id %d) of %s revoked\n", t.Name, t.ID, t.Person)
	}
	return nil
}
