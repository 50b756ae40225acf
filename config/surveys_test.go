package config

import "testing"

func TestValidateSurveys(t *testing.T) {
	c := loadExample(t)
	s, ok := c.Survey("annual-2026")
	if !ok || len(s.Questions) != 7 || s.Questions[5].Kind != QuestionChoice || !s.Questions[6].Skippable() || s.Questions[0].Skippable() {
		t.Fatalf("example survey: %+v %v", s, ok)
	}
	c.Surveys = append(c.Surveys,
		Survey{ID: "annual-2026", Title: "", Questions: nil},
		Survey{ID: "bad", Title: "问卷", Questions: []SurveyQuestion{
			{ID: "a", Kind: "stars", Text: "?"},
			{ID: "a", Kind: QuestionChoice, Text: "?", Options: []string{"是"}},
			{ID: "c", Kind: QuestionScale, Text: "", Options: []string{"1", "2"}},
			{ID: "d", Text: "?"},
			{ID: "e", Kind: QuestionChoice, Text: "?", Options: []string{"是", "是", " "}},
		}})
	sameProblems(t, c.Validate(), []string{
		`surveys[1].id: duplicate survey id "annual-2026" (also surveys[0].id)`,
		`surveys[1].title: required`,
		`surveys[1].questions: at least one question is required`,
		`surveys[2].questions[0].kind: "stars" is not a question kind: choice, scale (1–5) or text`,
		`surveys[2].questions[1].id: duplicate question id "a" (also surveys[2].questions[0].id)`,
		`surveys[2].questions[1].options: a choice needs 2 to 9 options, found 1`,
		`surveys[2].questions[2].text: required`,
		`surveys[2].questions[2].options: only a choice question has options (a scale question has none)`,
		`surveys[2].questions[3].kind: required: choice, scale (1–5) or text`,
		`surveys[2].questions[4].options[1]: "是" listed twice`,
		`surveys[2].questions[4].options[2]: empty`,
	})
}

func TestSurveyTyposNameTheKey(t *testing.T) {
	path := writeFile(t, "typo.yaml", `surveys:
  - id: s
    title: 问卷
    questions:
      - {id: a, kind: scale, text: 满意吗, optinal: true}
`)
	_, err := Load(path, emptyEnv)
	sameProblems(t, err, []string{`surveys[0].questions[0].optinal: unknown key (line 5)`})
}
