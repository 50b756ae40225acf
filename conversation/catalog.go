package conversation

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"
)

//go:embed messages/*.yaml
var messageFiles embed.FS

// Languages heed speaks with owners; the first is the default.
var Languages = []string{"zh-CN", "zh-TW", "en"}

// catalog holds every text heed sends to owners, per language. No text is
// written inline in the engine.
type catalog map[string]map[string]*template.Template

func loadCatalog() (catalog, error) {
	c := catalog{}
	var keys map[string]bool
	for _, lang := range Languages {
		// messages/<lang>.yaml, and messages/<lang>.platform.yaml: what heed
		// says about platform events (shared contacts, places, edits).
		texts := map[string]string{}
		for _, name := range []string{lang + ".yaml", lang + ".platform.yaml"} {
			raw, err := messageFiles.ReadFile("messages/" + name)
			if err != nil {
				return nil, err
			}
			if err := yaml.Unmarshal(raw, &texts); err != nil {
				return nil, fmt.Errorf("messages/%s: %w", name, err)
			}
		}
		c[lang] = map[string]*template.Template{}
		for k, v := range texts {
			t, err := template.New(k).Option("missingkey=error").Parse(v)
			if err != nil {
				return nil, fmt.Errorf("messages/%s.yaml: %s: %w", lang, k, err)
			}
			c[lang][k] = t
		}
		// Every language must have every key the default has.
		if keys == nil {
			keys = map[string]bool{}
			for k := range texts {
				keys[k] = true
			}
			continue
		}
		for k := range keys {
			if _, ok := texts[k]; !ok {
				return nil, fmt.Errorf("messages/%s.yaml: missing %q", lang, k)
			}
		}
	}
	return c, nil
}

// text renders the message key in lang with data.
func (c catalog) text(lang, key string, data any) string { return c.textOn(lang, key, false, data) }

// textOn renders the message key in lang with data, for a channel with
// buttons or, typed, one where the owner types the answer (WeChat): the
// text's {{.Tap}} says 点 or 回复.
func (c catalog) textOn(lang, key string, typed bool, data any) string {
	if m, ok := data.(map[string]any); ok || data == nil {
		tap := "tap"
		if typed {
			tap += ".typed"
		}
		with := map[string]any{"Tap": c.render(lang, tap, nil)}
		for k, v := range m {
			with[k] = v
		}
		data = with
	}
	return c.render(lang, key, data)
}

func (c catalog) render(lang, key string, data any) string {
	t, ok := c[lang][key]
	if !ok {
		t, ok = c[Languages[0]][key]
	}
	if !ok {
		return key
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return key
	}
	return strings.TrimSpace(b.String())
}
