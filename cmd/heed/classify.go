package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/conversation/understand"
)

// classify prints how heed understands a text (JSON), or with --eval how
// well it understands a file of labelled messages: administrators measure
// heed on their own past complaints before trusting auto-dispatch.
func classify(args []string, env func(string) string, stdout, stderr io.Writer) error {
	cfg, o, rest, err := loadConfigOptions("classify", args, env, stderr)
	if err != nil {
		return err
	}
	u, err := understand.New(cfg)
	if err != nil {
		return err
	}
	if o.eval != "" {
		return classifyEval(u, o, stdout)
	}
	if o.corrections != "" {
		return exportCorrections(cfg, o.corrections, stdout)
	}
	if len(rest) == 0 {
		return errors.New(`usage: heed classify [--config FILE] "TEXT" | --eval FILE.tsv [--misses] | --corrections out.tsv`)
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(u.Analyze(strings.Join(rest, " ")))
}

func classifyEval(u *understand.Understander, o options, stdout io.Writer) error {
	var items []understand.EvalItem
	if o.eval == "dev" {
		lines, err := understand.DevCorpus()
		if err != nil {
			return err
		}
		items = understand.EvalItems(lines)
	} else {
		data, err := os.ReadFile(o.eval)
		if err != nil {
			return err
		}
		if items, err = understand.ReadEval(o.eval, string(data), u.CategoryChoices()); err != nil {
			return err
		}
	}
	if len(items) == 0 {
		return fmt.Errorf("%s: no labelled messages", o.eval)
	}
	r := u.Evaluate(items)
	if err := r.Write(stdout); err != nil {
		return err
	}
	if o.misses {
		fmt.Fprintln(stdout, "\nmisses:")
		for _, m := range r.Misses {
			fmt.Fprintln(stdout, m)
		}
	}
	return nil
}

// exportCorrections writes the corrections kept in the database as corpus
// lines (category, urgency, intent, source, text) to grow the corpus:
// source says who corrected (owner or staff) and when.
func exportCorrections(cfg *config.Config, path string, stdout io.Writer) error {
	ctx := context.Background()
	db, err := open(ctx, cfg.DatabaseURL, cfg.Calendar.TimeZone)
	if err != nil {
		return err
	}
	defer db.Close()
	cs, err := conversation.Corrections(ctx, db)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("# heed classify --corrections: categories owners and staff corrected\n")
	b.WriteString("# category\turgency\tintent\tsource\ttext\n")
	for _, c := range cs {
		who := "owner"
		if c.Staff {
			who = "staff"
		}
		text := strings.Join(strings.Fields(c.Text), " ") // one line, no tabs
		fmt.Fprintf(&b, "%s\tnormal\tcomplaint\tcorrection-%s-%s\t%s\n", c.Category, who, c.At.Format("2006-01-02"), text)
	}
	if path == "-" {
		_, err = io.WriteString(stdout, b.String())
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "heed: %d corrections written to %s\n", len(cs), path)
	return nil
}
