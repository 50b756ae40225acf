package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify"
)

// StaffCommands answers what the complaint desk types in team chat:
// /revisit (run revisits by hand), /bulletin (post a notice to communities)
// and /report (a period's key figures). Only specialists, the quality
// representative and the general manager may use them.
type StaffCommands struct {
	eng  *Engine
	desk *notify.TeamDesk
	on   map[string]bool // platforms that are on, for bulletins
}

// NewStaffCommands makes the commands; on says which platforms are on.
func NewStaffCommands(eng *Engine, desk *notify.TeamDesk, on map[string]bool) *StaffCommands {
	return &StaffCommands{eng: eng, desk: desk, on: on}
}

// StaffUsage is the commands' help, for the bots' own help texts.
const StaffUsage = "• /revisit TS-2026-000123 — 立即向业主发送这件投诉的回访问卷\n" +
	"• /revisit pending — 待回访、未答复回访（需电话回访）的名单\n" +
	"• /revisit batch --closed-since 7d — 向近 7 天答复的投诉发送回访问卷（按配置的抽样比例）\n" +
	"• /bulletin 星河湾,翠湖苑 【停水通知】正文 #TS-2026-000123 — 向小区群、频道和微信粉丝发公告；#编号 的业主单独收到\n" +
	"• /bulletin status 12 — 公告 12 的发送进度\n" +
	"• /report 2026-Q3 — 一个时期的投诉分析要点"

// Command implements notify.Commander.
func (s *StaffCommands) Command(ctx context.Context, c notify.StaffCommand) (string, error) {
	ref, ok := s.desk.StaffOf(c.Platform, c.PlatformUser)
	if !ok {
		return "您不是登记在 heed 中的员工，不能使用这个命令。", nil
	}
	if !ref.Oversees() {
		return "/" + c.Name + " 只提供给客服专员、品质管理和总经理。", nil
	}
	switch c.Name {
	case "report":
		return s.desk.Summary(ctx, c.Platform, c.PlatformUser, c.Args), nil
	case "revisit":
		return s.revisit(ctx, ref, c)
	case "bulletin":
		return s.bulletin(ctx, ref, c)
	case "close", "archive":
		return s.desk.ClosingCommand(ctx, ref, c)
	}
	return "heed 的命令：\n" + StaffUsage, nil
}

func (s *StaffCommands) revisit(ctx context.Context, ref config.StaffRef, c notify.StaffCommand) (string, error) {
	f := strings.Fields(c.Args)
	switch {
	case len(f) == 0 || f[0] == "help":
		return "用法：\n" + StaffUsage, nil
	case f[0] == "pending":
		return s.eng.pendingRevisits(ctx)
	case f[0] == "batch":
		since, err := closedSince(f[1:], s.eng.svc.Now(), s.eng.svc.Calendar())
		if err != nil {
			return err.Error(), nil
		}
		return s.eng.revisitBatch(ctx, since)
	case len(f) == 1:
		return s.eng.revisitNow(ctx, strings.ToUpper(f[0]), ref, c)
	}
	return "用法：\n" + StaffUsage, nil
}

// closedSince reads "--closed-since 7d" (or "=7d", "3wd" working days
// through the calendar, or a date 2026-11-01); 7 days when absent.
func closedSince(args []string, now time.Time, cal *cases.Calendar) (time.Time, error) {
	spec := "7d"
	switch {
	case len(args) == 0:
	case len(args) == 1 && strings.HasPrefix(args[0], "--closed-since="):
		spec = strings.TrimPrefix(args[0], "--closed-since=")
	case len(args) == 2 && args[0] == "--closed-since":
		spec = args[1]
	default:
		return time.Time{}, errors.New("用法：/revisit batch --closed-since 7d（也可 24h、3wd 工作日、2026-11-01）")
	}
	if d, err := time.ParseInLocation("2006-01-02", spec, cal.Location()); err == nil {
		return d, nil
	}
	sp, err := config.ParseSpan(spec)
	if err != nil {
		return time.Time{}, fmt.Errorf("--closed-since %s：请写成 7d、24h、3wd（工作日）或日期 2026-11-01", spec)
	}
	return cal.Sub(now, sp), nil
}

// revisitable are the statuses of a case answered to the owner and not yet
// revisited.
var revisitable = []cases.Status{cases.StatusReplied, cases.StatusFeedback}

// revisitNow sends a case's questionnaire because a specialist asked: also
// when sampling passed it over, again when it went unanswered. The same
// command delivered twice (a platform's retry) sends nothing the second time.
func (e *Engine) revisitNow(ctx context.Context, serial string, ref config.StaffRef, cmd notify.StaffCommand) (string, error) {
	var answer string
	err := e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO staff_actions (platform, interaction_id, platform_user, serial, action, at)
			VALUES ($1, $2, $3, $4, 'revisit', $5) ON CONFLICT DO NOTHING`, cmd.Platform, cmd.InteractionID, cmd.PlatformUser, serial, now)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			answer = serial + "：这条命令已经处理过了。"
			return nil
		}
		var c cases.Case
		err = tx.GetContext(ctx, &c, `SELECT * FROM cases WHERE serial = $1 FOR UPDATE`, serial)
		if errors.Is(err, sql.ErrNoRows) {
			answer = "没有编号为 " + serial + " 的投诉。"
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case c.Status == cases.StatusInvalid || c.Validity == cases.ValidityInvalid:
			answer = c.Serial + " 是无效投诉，不回访。"
			return nil
		case c.Status == cases.StatusVerified || c.Status == cases.StatusClosed || c.Status == cases.StatusArchived:
			answer = fmt.Sprintf("%s 已回访完毕（%s）。", c.Serial, scores(&c))
			return nil
		case c.Status != cases.StatusReplied && c.Status != cases.StatusFeedback:
			answer = fmt.Sprintf("%s 还没有答复业主（当前：%s），答复后才能回访。", c.Serial, notify.StatusName(c.Status))
			return nil
		case c.OwnerRef == "":
			answer = "请电话回访：" + callLine(&c) + "（这件投诉由员工代为登记，没有可发送问卷的聊天）"
			return nil
		}
		channel, _, _, ok, err := ownerChat(ctx, tx, &c)
		if err != nil || !ok {
			answer = "请电话回访：" + callLine(&c) + "（找不到业主的聊天）"
			return err
		}
		skip, err := e.drawRevisit(ctx, tx, now, &c)
		if err != nil {
			return err
		}
		if out, err := e.optedOut(ctx, tx, &c); err != nil || out != "" {
			answer = "请电话回访：" + callLine(&c) + "（业主已退订问卷）"
			if out == skipBlocked {
				answer = "请电话回访：" + callLine(&c) + "（业主已屏蔽或取消关注，消息发不到）"
			}
			return err
		}
		var sentBefore *time.Time
		if skip == skipDone {
			if err := tx.GetContext(ctx, &sentBefore, `SELECT sent_at FROM revisits WHERE serial = $1`, c.Serial); err != nil {
				return err
			}
		}
		again := sentBefore != nil
		// Two specialists at once: one questionnaire a minute is enough.
		if again && sentBefore.After(now.Add(-time.Minute)) {
			answer = fmt.Sprintf("%s 的回访问卷刚刚已发送（%s），请等业主回答。", c.Serial, channelName(channel))
			return nil
		}
		// Drawn or not, sent or not before: it is sent now, and the reminder
		// and call-list clock start again from now.
		if _, err := tx.ExecContext(ctx, `UPDATE revisits SET selected = true, skipped_reason = '', sent_at = $2,
				reminded_at = NULL, no_response_at = NULL WHERE serial = $1`, c.Serial, now); err != nil {
			return err
		}
		text, choices := e.firstQuestion(&c, "revisit.intro")
		if err := e.tell(ctx, tx, now, &c, text, choices); err != nil {
			return err
		}
		verb := "已发送"
		if again {
			verb = "已重新发送"
		}
		answer = fmt.Sprintf("%s %s 的回访问卷（%s，%s 请求）。", verb, c.Serial, channelName(channel), ref.Staff.Name)
		return nil
	})
	return answer, err
}

// revisitBatch sends the questionnaires of the cases answered since then
// that have none yet, sampled as configured, and says what happened.
func (e *Engine) revisitBatch(ctx context.Context, since time.Time) (string, error) {
	var (
		sent, notDrawn int
		calls          []string
		total          int
	)
	err := e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		// The transaction may run again (a serialization failure or a
		// deadlock is retried): count this try only.
		sent, notDrawn, calls, total = 0, 0, nil, 0
		var due []cases.Case
		if err := tx.SelectContext(ctx, &due, `SELECT c.* FROM cases c
			WHERE c.status = ANY($1) AND NOT EXISTS (SELECT 1 FROM revisits r WHERE r.serial = c.serial AND (r.sent_at IS NOT NULL OR NOT r.selected))
			  AND (SELECT max(at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'reply') >= $2
			ORDER BY c.id LIMIT 1000 FOR UPDATE SKIP LOCKED`, statusArray(revisitable), since); err != nil {
			return err
		}
		total = len(due)
		for i := range due {
			c := &due[i]
			if c.OwnerRef != "" && c.Validity != cases.ValidityInvalid {
				if _, _, _, ok, err := ownerChat(ctx, tx, c); err != nil {
					return err
				} else if !ok {
					calls = append(calls, callLine(c)+"（找不到业主的聊天）")
					continue
				}
			}
			skip, err := e.drawRevisit(ctx, tx, now, c)
			if err != nil {
				return err
			}
			switch skip {
			case "":
				text, choices := e.firstQuestion(c, "revisit.intro")
				if err := e.tell(ctx, tx, now, c, text, choices); err != nil {
					return err
				}
				sent++
			case skipNotDrawn:
				notDrawn++
			case skipOptedOut:
				calls = append(calls, callLine(c)+"（已退订）")
			case skipBlocked:
				calls = append(calls, callLine(c)+"（已屏蔽或取消关注）")
			case skipNoChat:
				calls = append(calls, callLine(c)+"（员工代为登记）")
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	loc := e.svc.Calendar().Location()
	fmt.Fprintf(&b, "回访批量发送：%s 以来答复、尚未回访的投诉 %d 件。\n已发送问卷 %d 件", since.In(loc).Format("2006-01-02 15:04"), total, sent)
	if notDrawn > 0 {
		fmt.Fprintf(&b, "；按 %.0f%% 抽样未抽中 %d 件", e.cfg.Revisit.Ratio*100, notDrawn)
	}
	fmt.Fprintf(&b, "；需电话回访 %d 件。", len(calls))
	writeList(&b, "请电话回访：", calls)
	return b.String(), nil
}

// pendingRevisits is the specialist's worklist: questionnaires waiting for an
// answer, owners to call, and answered cases whose questionnaire is not due yet.
func (e *Engine) pendingRevisits(ctx context.Context) (string, error) {
	db := e.svc.DB()
	loc := e.svc.Calendar().Location()
	var waiting []struct {
		cases.Case
		SentAt     time.Time  `db:"sent_at"`
		RemindedAt *time.Time `db:"reminded_at"`
	}
	if err := db.SelectContext(ctx, &waiting, `SELECT c.*, r.sent_at, r.reminded_at FROM revisits r JOIN cases c ON c.serial = r.serial
		WHERE r.sent_at IS NOT NULL AND r.answered_at IS NULL AND r.no_response_at IS NULL AND c.status = ANY($1)
		ORDER BY r.sent_at`, statusArray(revisitable)); err != nil {
		return "", err
	}
	// To call: owners who did not answer, who opted out, or whom no chat
	// reaches (recorded by phone or at the desk).
	var toCall []cases.Case
	if err := db.SelectContext(ctx, &toCall, `SELECT c.* FROM cases c LEFT JOIN revisits r ON r.serial = c.serial
		WHERE c.status = ANY($1) AND (c.owner_ref = '' OR r.answered_at IS NULL AND (r.no_response_at IS NOT NULL OR r.skipped_reason = ANY($2)))
		ORDER BY c.id`, statusArray(revisitable), pq.Array([]string{revisitOptOut, revisitBlock})); err != nil {
		return "", err
	}
	var notYet int
	if err := db.GetContext(ctx, &notYet, `SELECT count(*) FROM cases c WHERE c.status = ANY($1) AND c.owner_ref <> ''
		AND NOT EXISTS (SELECT 1 FROM revisits r WHERE r.serial = c.serial)`, statusArray(revisitable)); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "回访待办：问卷已发出、等待业主回答 %d 件；需电话回访 %d 件；已答复业主、问卷尚未发出 %d 件（满 %s 自动发送，或用 /revisit batch 立即发送）。",
		len(waiting), len(toCall), notYet, e.cfg.Revisit.FeedbackWait)
	var lines []string
	for _, w := range waiting {
		l := fmt.Sprintf("%s %s 发出于 %s", w.Serial, w.Category, w.SentAt.In(loc).Format("01-02 15:04"))
		if w.RemindedAt != nil {
			l += "，已提醒"
		}
		lines = append(lines, l)
	}
	writeList(&b, "等待回答：", lines)
	lines = lines[:0]
	for i := range toCall {
		lines = append(lines, callLine(&toCall[i]))
	}
	writeList(&b, "请电话回访（完整号码见 GET /api/v1/revisits/no-response）：", lines)
	return b.String(), nil
}

// writeList appends a titled list, at most 20 lines of it.
func writeList(b *strings.Builder, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	b.WriteString("\n" + title)
	for i, l := range lines {
		if i == 20 {
			fmt.Fprintf(b, "\n…另有 %d 件", len(lines)-20)
			break
		}
		b.WriteString("\n• " + l)
	}
}

// callLine names a case's owner for a phone call, the number masked: team
// chat is not the place for owners' numbers.
func callLine(c *cases.Case) string {
	name := c.CustomerName
	if name == "" {
		name = "业主"
	}
	return fmt.Sprintf("%s %s %s", c.Serial, name, cases.MaskPhone(c.ContactPhone))
}

func scores(c *cases.Case) string {
	if c.VerifySatisfaction == nil {
		return "没有评分"
	}
	s := "满意度 " + strconv.Itoa(*c.VerifySatisfaction)
	if c.VerifyTimeliness != nil {
		s = "及时性 " + strconv.Itoa(*c.VerifyTimeliness) + "，" + s
	}
	if c.VerifyAttitude != nil {
		s += "，态度 " + strconv.Itoa(*c.VerifyAttitude)
	}
	return s
}

func channelName(ch string) string { return notify.ChannelName(cases.Channel(ch)) }

func statusArray(ss []cases.Status) any {
	a := make([]string, len(ss))
	for i, s := range ss {
		a[i] = string(s)
	}
	return pq.Array(a)
}

func (s *StaffCommands) bulletin(ctx context.Context, ref config.StaffRef, c notify.StaffCommand) (string, error) {
	return notify.BulletinCommand(ctx, s.eng.svc.DB(), s.eng.cfg, s.on, ref, c, s.eng.svc.Now())
}
