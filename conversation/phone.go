package conversation

import (
	"regexp"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation/understand"
)

// phoneLike is a run that may be a phone number the finder does not take
// on its own: a landline with its area code ("010 8888 0000", "(021)6888-1234").
var phoneLike = regexp.MustCompile(`[+(（]?\d[\d \-()（）]{5,}\d`)

// contactPhone finds the owner's phone in text: heed's own finder first
// (mobiles, numbers with a country code), then any number-like run
// libphonenumber accepts as a mainland landline. found says whether text
// holds something phone-like at all; ok whether it is a valid number.
func contactPhone(text string) (phone string, found, ok bool) {
	if p := understand.FindPhone(text); p != "" {
		n, ok := cases.NormalizePhone(p)
		return n, true, ok
	}
	for _, run := range phoneLike.FindAllString(text, -1) {
		if n, ok := cases.NormalizePhone(run); ok {
			return n, true, true
		}
	}
	return "", false, false
}

// phoneRun is any run of digits that may be a written phone number.
var phoneRun = regexp.MustCompile(`(?:\+|＋)?\s?\d[\d \-()（）]{5,}\d`)

// withoutPhones takes every phone number out of text.
func withoutPhones(text string) string {
	return phoneRun.ReplaceAllStringFunc(text, func(run string) string {
		if _, found, _ := contactPhone(run); found {
			return " "
		}
		return run
	})
}
