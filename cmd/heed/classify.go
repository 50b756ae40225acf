package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

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
	if len(rest) == 0 {
		return errors.New(`usage: heed classify [--config FILE] "TEXT" | --eval FILE.tsv [--misses]`)
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
