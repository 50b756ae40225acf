package conversation

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify"
)

// SurveySummary is a run's result: who was asked, who answered, and each
// question's figures. Answers are anonymous: no owner is named.
type SurveySummary struct {
	ID                 int64      `json:"id"`
	Survey             string     `json:"survey"`
	Title              string     `json:"title"`
	Community          string     `json:"community"`
	CommunityName      string     `json:"community_name"`
	CreatedBy          string     `json:"created_by"`
	OpenedAt           time.Time  `json:"opened_at"`
	ClosesAt           time.Time  `json:"closes_at"`
	ClosedAt           *time.Time `json:"closed_at"`
	SummaryPostedAt    *time.Time `json:"summary_posted_at"`
	Recipients         int        `json:"recipients"` // sent + waiting: the owners the survey is for (not the skipped)
	Sent               int        `json:"sent"`       // owners asked the first question
	Waiting            int        `json:"waiting"`    // owners not asked yet (busy with a complaint, a revisit or another survey)
	SkippedOptedOut    int        `json:"skipped_opted_out"`
	SkippedPlatformOff int        `json:"skipped_platform_off"`
	Responses          int        `json:"responses"` // owners who answered at least one question (a skip is no answer); ≤ sent
	Completed          int        `json:"completed"` // of the responses, owners who reached the end; ≤ responses
	// ResponseRate is responses / sent in percent, one decimal: of the
	// owners actually asked (waiting owners were not); nil when none was.
	ResponseRate *float64          `json:"response_rate"`
	Questions    []QuestionSummary `json:"questions"`
}

// QuestionSummary is one question's figures.
type QuestionSummary struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Answers int    `json:"answers"`
	Skipped int    `json:"skipped"`
	// Scale: the average (two decimals) and how many gave 1 … 5.
	Average      *float64 `json:"average,omitempty"`
	Distribution []int    `json:"distribution,omitempty"`
	// Choice: each option with its count, in the questionnaire's order.
	Options []OptionCount `json:"options,omitempty"`
	// Text: the answers, oldest first.
	Texts []string `json:"texts,omitempty"`
}

// OptionCount is how many owners chose one option.
type OptionCount struct {
	Option string `json:"option"`
	Count  int    `json:"count"`
}

// SurveySummary reads a run's result.
func (e *Engine) SurveySummary(ctx context.Context, id int64) (*SurveySummary, error) {
	return e.summary(ctx, e.svc.DB(), id)
}

func (e *Engine) summary(ctx context.Context, q sqlx.QueryerContext, id int64) (*SurveySummary, error) {
	run, err := loadRun(ctx, q, id)
	if err != nil {
		return nil, err
	}
	s := &SurveySummary{ID: run.ID, Survey: run.Survey, Title: run.def.Title, Community: run.Community, CommunityName: run.Community,
		CreatedBy: run.CreatedBy, OpenedAt: run.OpenedAt, ClosesAt: run.ClosesAt, ClosedAt: run.ClosedAt, SummaryPostedAt: run.SummaryPostedAt,
		Questions: []QuestionSummary{}}
	if c, ok := e.cfg.Community(run.Community); ok {
		s.CommunityName = c.Name
	}
	err = q.QueryRowxContext(ctx, stmt.RecipientCounts, id).Scan(&s.Sent, &s.Waiting, &s.SkippedOptedOut, &s.SkippedPlatformOff,
		&s.Responses, &s.Completed)
	if err != nil {
		return nil, err
	}
	s.Recipients = s.Sent + s.Waiting
	if s.Sent > 0 {
		r := math.Round(float64(s.Responses)*1000/float64(s.Sent)) / 10
		s.ResponseRate = &r
	}
	var answers []struct {
		Question string  `db:"question"`
		Score    *int    `db:"score"`
		Option   *int    `db:"option"`
		Text     *string `db:"text"`
		Skipped  bool    `db:"skipped"`
	}
	if err := sqlx.SelectContext(ctx, q, &answers, stmt.SurveyAnswers, id); err != nil {
		return nil, err
	}
	byID := map[string]*QuestionSummary{}
	sums := map[string]int{}
	for _, qd := range run.def.Questions {
		qs := QuestionSummary{ID: qd.ID, Kind: qd.Kind, Text: qd.Text}
		switch qd.Kind {
		case config.QuestionScale:
			qs.Distribution = make([]int, 5)
		case config.QuestionChoice:
			for _, o := range qd.Options {
				qs.Options = append(qs.Options, OptionCount{Option: o})
			}
		case config.QuestionText:
			qs.Texts = []string{}
		}
		s.Questions = append(s.Questions, qs)
	}
	for i := range s.Questions {
		byID[s.Questions[i].ID] = &s.Questions[i]
	}
	for _, a := range answers {
		qs, ok := byID[a.Question]
		if !ok {
			continue
		}
		switch {
		case a.Skipped:
			qs.Skipped++
			continue
		case a.Score != nil && qs.Distribution != nil && *a.Score >= 1 && *a.Score <= 5:
			qs.Distribution[*a.Score-1]++
			sums[a.Question] += *a.Score
		case a.Option != nil && *a.Option >= 1 && *a.Option <= len(qs.Options):
			qs.Options[*a.Option-1].Count++
		case a.Text != nil && qs.Texts != nil:
			qs.Texts = append(qs.Texts, *a.Text)
		default:
			continue
		}
		qs.Answers++
	}
	for i := range s.Questions {
		qs := &s.Questions[i]
		if qs.Distribution != nil && qs.Answers > 0 {
			avg := math.Round(float64(sums[qs.ID])*100/float64(qs.Answers)) / 100
			qs.Average = &avg
		}
	}
	return s, nil
}

// Limits of the summary posted to team chat (Telegram takes 4096 characters).
const (
	summaryTexts     = 20  // free-text answers quoted per question
	summaryTextChars = 100 // characters quoted of each
	summaryChars     = 3800
)

// SurveySummaryText is a run's result as the specialists read it in team
// chat; the free-text answers are clipped, the API has them whole.
func SurveySummaryText(s *SurveySummary) string { return surveyText(s, false) }

// SurveyResultsText is a closed run's result as the community's owners read
// it in a bulletin (004 §7.1.8: survey results are published to the
// owners): the figures, and how many opinions were received — the opinions
// themselves stay with the management office.
func SurveyResultsText(s *SurveySummary) string { return surveyText(s, true) }

func surveyText(s *SurveySummary, residents bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【问卷结果】%s · %s\n", s.Title, s.CommunityName)
	closed := s.ClosesAt
	if s.ClosedAt != nil {
		closed = *s.ClosedAt
	}
	// Sent is who was asked; the rate is of them, not of the waiting.
	fmt.Fprintf(&b, "%s – %s；发出 %d 份，回收 %d 份", s.OpenedAt.Format("2006-01-02"), closed.Format("2006-01-02"), s.Sent, s.Responses)
	if s.ResponseRate != nil {
		fmt.Fprintf(&b, "（回收率 %.1f%%，按已发出计）", *s.ResponseRate)
	}
	fmt.Fprintf(&b, "，完整作答 %d 份", s.Completed)
	if residents {
		b.WriteString("。感谢各位业主参与！")
	}
	if s.Waiting > 0 && !residents {
		fmt.Fprintf(&b, "；%d 位业主在办理其他事项，尚未发出", s.Waiting)
	}
	if s.SkippedOptedOut > 0 && !residents {
		fmt.Fprintf(&b, "；%d 位业主已退订，未发送", s.SkippedOptedOut)
	}
	b.WriteString("\n")
	for i, q := range s.Questions {
		fmt.Fprintf(&b, "\n%d. %s\n", i+1, q.Text)
		switch q.Kind {
		case config.QuestionScale:
			if q.Average == nil {
				b.WriteString("   无人作答\n")
				continue
			}
			fmt.Fprintf(&b, "   均分 %.2f（%d 人作答；5 分 %d，4 分 %d，3 分 %d，2 分 %d，1 分 %d）\n", *q.Average, q.Answers,
				q.Distribution[4], q.Distribution[3], q.Distribution[2], q.Distribution[1], q.Distribution[0])
		case config.QuestionChoice:
			var parts []string
			for _, o := range q.Options {
				parts = append(parts, fmt.Sprintf("%s %d", o.Option, o.Count))
			}
			fmt.Fprintf(&b, "   %s（%d 人作答）\n", strings.Join(parts, "，"), q.Answers)
		case config.QuestionText:
			if residents {
				fmt.Fprintf(&b, "   收到 %d 条意见，管理处将逐条研究改进。\n", len(q.Texts))
				continue
			}
			fmt.Fprintf(&b, "   %d 条意见：\n", len(q.Texts))
			for j, t := range q.Texts {
				if j == summaryTexts {
					fmt.Fprintf(&b, "   …另有 %d 条\n", len(q.Texts)-summaryTexts)
					break
				}
				t = cases.MaskPhones(strings.Join(strings.Fields(t), " "))
				if utf8.RuneCountInString(t) > summaryTextChars {
					t = clip(t, summaryTextChars) + "…"
				}
				fmt.Fprintf(&b, "   · %s\n", t)
			}
		}
	}
	out := b.String()
	if utf8.RuneCountInString(out) > summaryChars {
		out = clip(out, summaryChars) + "…\n"
	}
	if residents {
		return out
	}
	return out + fmt.Sprintf("\n完整结果：GET /api/v1/surveys/%d", s.ID)
}

// PostSummary makes the messages that post a summary to team chat (the
// specialists' chats: the desk's ToSpecialists, package notify/desk).
type PostSummary func(text string) []notify.Message

// CloseSurvey closes a run now and queues its summary to the team chat —
// once: a run already closed is left as it is (closedNow false).
func (e *Engine) CloseSurvey(ctx context.Context, id int64, post PostSummary) (s *SurveySummary, closedNow bool, err error) {
	err = e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, stmt.CloseSurveyRun, id, now); err != nil {
			return err
		}
		closedNow = len(ids) == 1
		if closedNow {
			if err := e.postSummary(ctx, tx, now, id, post); err != nil {
				return err
			}
		}
		s, err = e.summary(ctx, tx, id)
		return err
	})
	return s, closedNow, err
}

// SweepSurveys closes the runs whose closes_at has passed and queues each
// summary, once even with several heed serve: the UPDATE … WHERE closed_at
// IS NULL takes each run for exactly one of them. It returns the runs closed.
func (e *Engine) SweepSurveys(ctx context.Context, post PostSummary) ([]int64, error) {
	var closed []int64
	err := e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		closed = nil
		if err := tx.SelectContext(ctx, &closed, stmt.CloseDueSurveyRuns, now); err != nil {
			return err
		}
		for _, id := range closed {
			if err := e.postSummary(ctx, tx, now, id, post); err != nil {
				return err
			}
		}
		return nil
	})
	return closed, err
}

func (e *Engine) postSummary(ctx context.Context, tx *sqlx.Tx, now time.Time, id int64, post PostSummary) error {
	if post == nil {
		return nil
	}
	s, err := e.summary(ctx, tx, id)
	if err != nil {
		return err
	}
	msgs := post(SurveySummaryText(s))
	if len(msgs) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, stmt.SurveySummaryPosted, id, now); err != nil {
		return err
	}
	return notify.Enqueue(ctx, tx, now, msgs...)
}
