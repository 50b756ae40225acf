package report

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Lang is the language of a report's headings, labels and the names heed
// itself owns (channels, statuses, steps, validity, urgency, responsibility).
// The company's own names from its configuration (categories, departments,
// communities) are shown as configured, in every language.
type Lang string

// The languages of the reports; ZhCN is the default.
const (
	ZhCN Lang = "zh-CN"
	ZhTW Lang = "zh-TW"
	En   Lang = "en"
)

// Langs are the accepted languages, the default first.
var Langs = []Lang{ZhCN, ZhTW, En}

// ParseLang reads zh-CN, zh-TW or en (any case, "_" for "-"); "" is zh-CN.
func ParseLang(s string) (Lang, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if s == "" {
		return ZhCN, nil
	}
	for _, l := range Langs {
		if strings.EqualFold(s, string(l)) {
			return l, nil
		}
	}
	return "", fmt.Errorf("language %q: want zh-CN, zh-TW or en", s)
}

// matcher maps a reader's languages to the reports' (Langs, in order).
var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.TraditionalChinese, language.English})

// AcceptLanguage picks the report language from an Accept-Language header:
// the best match among zh-CN, zh-TW (also zh-HK, zh-MO, zh-Hant) and en, by
// golang.org/x/text's matcher; zh-CN when none matches or the header is
// malformed.
func AcceptLanguage(header string) Lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return ZhCN
	}
	if _, i, conf := matcher.Match(tags...); conf != language.No {
		return Langs[i]
	}
	return ZhCN
}

// texts returns l's table; an unknown language gets the default's.
func (l Lang) texts() map[string]string {
	if t, ok := texts[l]; ok {
		return t
	}
	return texts[ZhCN]
}

// T is the text of key in l, or the key itself when l has no such text.
func (l Lang) T(key string) string {
	if s, ok := l.texts()[key]; ok {
		return s
	}
	return key
}

// name is the display name of a heed-owned value (kind "channel",
// "status", "step", "validity", "urgency", "resp"), or the value itself.
func (l Lang) name(kind, value string) string {
	if s, ok := l.texts()[kind+"."+value]; ok {
		return s
	}
	return value
}

// Channel is the display name of a channel in l.
func (l Lang) Channel(c string) string { return l.name("channel", c) }

// Status is the display name of a status in l.
func (l Lang) Status(s string) string { return l.name("status", s) }

// Step is the display name of a deadline step in l.
func (l Lang) Step(s string) string { return l.name("step", s) }

// Responsibility is the display name of a responsibility finding in l.
func (l Lang) Responsibility(r string) string { return l.name("resp", r) }

func (l Lang) yesNo(b bool) string {
	if b {
		return l.T("yes")
	}
	return l.T("no")
}
