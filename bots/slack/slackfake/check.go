package slackfake

import (
	"fmt"
	"unicode/utf8"
)

// checkBlocks returns what Slack would reject in blocks, "" if nothing. It
// covers the limits of docs.slack.dev/reference/block-kit that an app can
// exceed with long user text or many buttons, not every rule.
func checkBlocks(blocks []map[string]any, maxBlocks int, modal bool) string {
	if len(blocks) > maxBlocks {
		return fmt.Sprintf("%d blocks, at most %d allowed", len(blocks), maxBlocks)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		where := fmt.Sprintf("blocks[%d]", i)
		if id, _ := b["block_id"].(string); id != "" {
			if ids[id] {
				return where + ": duplicate block_id " + id
			}
			if utf8.RuneCountInString(id) > 255 {
				return where + ": block_id longer than 255"
			}
			ids[id] = true
		}
		typ, _ := b["type"].(string)
		var problem string
		switch typ {
		case "header":
			problem = checkText(b["text"], 150, true)
		case "section":
			fields, _ := b["fields"].([]any)
			if b["text"] == nil && len(fields) == 0 {
				problem = "a section needs text or fields"
			} else if b["text"] != nil {
				problem = checkText(b["text"], 3000, false)
			}
			if len(fields) > 10 {
				problem = "more than 10 fields"
			}
			for _, f := range fields {
				if problem == "" {
					problem = checkText(f, 2000, false)
				}
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				problem = "a context needs 1 to 10 elements"
			}
			for _, e := range els {
				if problem == "" {
					problem = checkText(e, 3000, false)
				}
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 25 {
				problem = "an actions block needs 1 to 25 elements"
			}
			actionIDs := map[string]bool{}
			for _, e := range els {
				el, _ := e.(map[string]any)
				id, _ := el["action_id"].(string)
				if problem == "" && id != "" && actionIDs[id] {
					problem = "duplicate action_id " + id
				}
				actionIDs[id] = true
				if problem == "" {
					problem = checkElement(el)
				}
			}
		case "input":
			if !modal {
				problem = "input blocks belong in modals"
			} else if el, _ := b["element"].(map[string]any); el == nil {
				problem = "an input needs an element"
			} else if problem = checkText(b["label"], 2000, true); problem == "" {
				problem = checkElement(el)
			}
		case "divider", "image", "rich_text", "markdown":
		default:
			problem = fmt.Sprintf("unknown block type %q", typ)
		}
		if problem != "" {
			return where + ": " + problem
		}
	}
	return ""
}

func checkElement(el map[string]any) string {
	if id, _ := el["action_id"].(string); utf8.RuneCountInString(id) > 255 {
		return "action_id longer than 255"
	}
	switch el["type"] {
	case "button":
		if p := checkText(el["text"], 75, true); p != "" {
			return "button " + p
		}
		if v, _ := el["value"].(string); utf8.RuneCountInString(v) > 2000 {
			return "button value longer than 2000"
		}
		switch el["style"] {
		case nil, "primary", "danger":
		default:
			return fmt.Sprintf("button style %v", el["style"])
		}
	case "static_select", "multi_static_select":
		opts, _ := el["options"].([]any)
		if len(opts) == 0 || len(opts) > 100 {
			return "a static_select needs 1 to 100 options"
		}
		for _, o := range opts {
			opt, _ := o.(map[string]any)
			if p := checkText(opt["text"], 75, true); p != "" {
				return "option " + p
			}
			if v, _ := opt["value"].(string); v == "" || utf8.RuneCountInString(v) > 150 {
				return "option value empty or longer than 150"
			}
		}
	case "plain_text_input":
		if n, ok := el["max_length"].(float64); ok && n > 3000 {
			return "plain_text_input max_length above 3000"
		}
	}
	return ""
}

// checkText checks a text object: its type, and 1 to max characters.
func checkText(v any, max int, plainOnly bool) string {
	t, _ := v.(map[string]any)
	if t == nil {
		return "missing text object"
	}
	typ, _ := t["type"].(string)
	if typ != "plain_text" && (plainOnly || typ != "mrkdwn") {
		return fmt.Sprintf("text type %q", typ)
	}
	s, _ := t["text"].(string)
	if n := utf8.RuneCountInString(s); n == 0 || n > max {
		return fmt.Sprintf("text of %d characters, 1 to %d allowed", n, max)
	}
	return ""
}

// checkView returns what Slack would reject in a modal, "" if nothing.
func checkView(v map[string]any) string {
	if v["type"] != "modal" {
		return fmt.Sprintf("view type %v", v["type"])
	}
	if p := checkText(v["title"], 24, true); p != "" {
		return "title " + p
	}
	for _, k := range []string{"submit", "close"} {
		if v[k] != nil {
			if p := checkText(v[k], 24, true); p != "" {
				return k + " " + p
			}
		}
	}
	if s, _ := v["private_metadata"].(string); utf8.RuneCountInString(s) > 3000 {
		return "private_metadata longer than 3000"
	}
	if s, _ := v["callback_id"].(string); utf8.RuneCountInString(s) > 255 {
		return "callback_id longer than 255"
	}
	raw, _ := v["blocks"].([]any)
	blocks := make([]map[string]any, 0, len(raw))
	hasInput := false
	for _, b := range raw {
		m, _ := b.(map[string]any)
		hasInput = hasInput || m["type"] == "input"
		blocks = append(blocks, m)
	}
	if hasInput && v["submit"] == nil {
		return "a modal with inputs needs a submit button"
	}
	return checkBlocks(blocks, 100, true)
}
