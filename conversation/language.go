package conversation

import "golang.org/x/text/language"

// hintMatcher matches a platform's language hint (Telegram's
// language_code, a browser's Accept-Language) to heed's languages, in the
// order of Languages.
var hintMatcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.TraditionalChinese, language.English})

// hintLanguage is the language of heed's a hint asks for: zh-HK, zh-MO,
// zh-Hant and Cantonese (yue) read Traditional; "" when none fits.
func hintLanguage(hint string) string {
	if hint == "" {
		return ""
	}
	tag, err := language.Parse(hint)
	if err != nil {
		return ""
	}
	_, i, conf := hintMatcher.Match(tag)
	if conf != language.No {
		return Languages[i]
	}
	// Cantonese is written in Traditional characters unless it says otherwise.
	if base, _ := tag.Base(); base.String() == "yue" {
		if script, _ := tag.Script(); script.String() == "Hans" {
			return "zh-CN"
		}
		return "zh-TW"
	}
	return ""
}
