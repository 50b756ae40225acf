package understand

import "testing"

// 抬 is the Simplified form (and common in Traditional text too): the table
// once mapped it the wrong way, turning "抬头" into "擡头" and counting every
// Simplified 抬 as Traditional.
func TestSimplifiedCharacterStaysSimplified(t *testing.T) {
	for _, tc := range []struct{ in, want, lang string }{
		{"楼道的门抬不起来", "楼道的门抬不起来", "zh-CN"},
		{"擡頭看見天花板", "抬头看见天花板", "zh-TW"},
	} {
		if got := ToSimplified(tc.in); got != tc.want {
			t.Errorf("ToSimplified(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := DetectLanguage(tc.in); got != tc.lang {
			t.Errorf("DetectLanguage(%q) = %q, want %q", tc.in, got, tc.lang)
		}
	}
}
