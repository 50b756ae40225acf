package conversation

import (
	"strings"
	"testing"
)

func TestEnglishCountsQuestionsInTheSingular(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{1: "1 question:", 3: "3 questions:"} {
		if got := c.text("en", "survey.intro", map[string]any{"Title": "Lifts", "Intro": "", "Total": n}); !strings.Contains(got, want) {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}
