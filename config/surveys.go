package config

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kinds of survey question.
const (
	QuestionChoice = "choice" // one of the options
	QuestionScale  = "scale"  // 1 (very dissatisfied) … 5 (very satisfied)
	QuestionText   = "text"   // free text; always skippable
)

// Survey is a satisfaction questionnaire (问卷, 004 §5.4) sent to every
// owner of a community who has talked to heed. Its texts are in the
// company's language; the framing (question numbers, "reply 1–5", thanks)
// comes from the message catalogue in the owner's language.
type Survey struct {
	ID        string           `yaml:"id" json:"id"`
	Title     string           `yaml:"title" json:"title"`
	Intro     string           `yaml:"intro" json:"intro"`
	Questions []SurveyQuestion `yaml:"questions" json:"questions"`
}

// SurveyQuestion is one question of a survey.
type SurveyQuestion struct {
	ID       string   `yaml:"id" json:"id"`
	Text     string   `yaml:"text" json:"text"`
	Kind     string   `yaml:"kind" json:"kind"`                   // choice | scale | text
	Options  []string `yaml:"options" json:"options,omitempty"`   // for choice
	Optional bool     `yaml:"optional" json:"optional,omitempty"` // offers "skip" (text questions always do)
}

// Skippable reports whether the owner may skip the question.
func (q SurveyQuestion) Skippable() bool { return q.Optional || q.Kind == QuestionText }

// Survey limits: a choice's options are also numbered replies and buttons.
const (
	MaxSurveyQuestions = 30
	MaxSurveyOptions   = 9
	maxSurveyOption    = 40  // characters of one option (a button label)
	maxSurveyText      = 500 // characters of a title, intro or question
)

// Survey finds a survey by id. The pointer is into c.Surveys.
func (c *Config) Survey(id string) (*Survey, bool) {
	for i := range c.Surveys {
		if c.Surveys[i].ID == id {
			return &c.Surveys[i], true
		}
	}
	return nil, false
}

func (c *Config) validateSurveys(p *problems) {
	ids := map[string]string{}
	for i, s := range c.Surveys {
		key := fmt.Sprintf("surveys[%d]", i)
		checkID(p, key+".id", s.ID, "survey", ids)
		surveyText(p, key+".title", s.Title, true)
		surveyText(p, key+".intro", s.Intro, false)
		switch {
		case len(s.Questions) == 0:
			p.add(key+".questions", "at least one question is required")
		case len(s.Questions) > MaxSurveyQuestions:
			p.add(key+".questions", "%d questions: at most %d", len(s.Questions), MaxSurveyQuestions)
		}
		qids := map[string]string{}
		for j, q := range s.Questions {
			qkey := fmt.Sprintf("%s.questions[%d]", key, j)
			checkID(p, qkey+".id", q.ID, "question", qids)
			surveyText(p, qkey+".text", q.Text, true)
			switch q.Kind {
			case QuestionChoice:
				if len(q.Options) < 2 || len(q.Options) > MaxSurveyOptions {
					p.add(qkey+".options", "a choice needs 2 to %d options, found %d", MaxSurveyOptions, len(q.Options))
				}
				seen := map[string]bool{}
				for k, o := range q.Options {
					okey := fmt.Sprintf("%s.options[%d]", qkey, k)
					switch {
					case strings.TrimSpace(o) == "":
						p.add(okey, "empty")
					case utf8.RuneCountInString(o) > maxSurveyOption:
						p.add(okey, "longer than %d characters (it is a button)", maxSurveyOption)
					case seen[o]:
						p.add(okey, "%q listed twice", o)
					}
					seen[o] = true
				}
			case QuestionScale, QuestionText:
				if len(q.Options) > 0 {
					p.add(qkey+".options", "only a choice question has options (a %s question has none)", q.Kind)
				}
			case "":
				p.add(qkey+".kind", "required: choice, scale (1–5) or text")
			default:
				p.add(qkey+".kind", "%q is not a question kind: choice, scale (1–5) or text", q.Kind)
			}
		}
	}
}

func surveyText(p *problems, key, s string, required bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			p.add(key, "required")
		}
	case utf8.RuneCountInString(s) > maxSurveyText:
		p.add(key, "longer than %d characters", maxSurveyText)
	}
}
