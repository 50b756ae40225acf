package desk

import (
	"regexp"
	"strings"

	"github.com/heedhq/heed/cases"
)

// Team chat is not the place for owners' telephone numbers: a card's text
// passes through both maskers (post) — maskPhones for any number as staff
// type it, MaskPhones for numbers as owners write them in messages.

// digitRun is a run of digits, possibly with a leading + and spaces or
// dashes inside: where a telephone number may be written.
var digitRun = regexp.MustCompile(`\+?\d[\d \-]*\d`)

// phoneShape is a number as a telephone number looks once spaces and
// dashes are gone: a mainland mobile, a landline with its area code, or an
// international number.
var phoneShape = regexp.MustCompile(`^(?:(?:\+?86)?1[3-9]\d{9}|0\d{9,11}|\+\d{7,15})$`)

// maskPhones hides the middle of every telephone number in s (138****5678),
// leaving other numbers (dates, unit numbers, amounts) alone.
func maskPhones(s string) string {
	return digitRun.ReplaceAllStringFunc(s, func(run string) string {
		norm := func(p []string) string { return strings.NewReplacer(" ", "", "-", "").Replace(strings.Join(p, "")) }
		// The number may be only part of the run ("13812345678 3栋"): try
		// the longest groups of its space-separated pieces first.
		pieces := strings.Split(run, " ")
		var out []string
		for i := 0; i < len(pieces); i++ {
			j := len(pieces)
			for ; j > i && !phoneShape.MatchString(norm(pieces[i:j])); j-- {
			}
			if j == i {
				out = append(out, pieces[i])
				continue
			}
			out = append(out, cases.MaskPhone(norm(pieces[i:j])))
			i = j - 1
		}
		return strings.Join(out, " ")
	})
}

// writtenPhone is a phone number as people write it in a message: a
// mainland mobile (with or without +86, spaced or dashed) or a number
// with its country code.
var writtenPhone = regexp.MustCompile(`(?:\+|＋)\s?\d[\d \-]{5,16}\d|(?:^|[^\d])(1[3-9]\d[ \-]?\d{4}[ \-]?\d{4})(?:[^\d]|$)`)

// MaskPhones hides the phone numbers written in a text, as cards do
// (138****5678): team chat is not the place for owners' numbers.
func MaskPhones(text string) string {
	// A match takes the character after a number, which the next number
	// may need as its start ("138…,139…"): a second pass takes those.
	for range 2 {
		text = maskPhonesOnce(text)
	}
	return text
}

func maskPhonesOnce(text string) string {
	return writtenPhone.ReplaceAllStringFunc(text, func(m string) string {
		start, end := 0, len(m)
		for start < end && !isDigitOrPlus(m[start]) {
			start++
		}
		for end > start && !isDigit(m[end-1]) {
			end--
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '+' {
				return r
			}
			return -1
		}, m[start:end])
		return m[:start] + cases.MaskPhone(digits) + m[end:]
	})
}

func isDigit(b byte) bool       { return b >= '0' && b <= '9' }
func isDigitOrPlus(b byte) bool { return isDigit(b) || b == '+' }
