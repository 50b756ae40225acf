package desk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

// Command is a slash command staff type in team chat.
type Command struct {
	Name  string   // without the slash
	Usage []string // its help, a line a form of it: "/revisit pending — …"
	Who   Who
	// Form: the bots read it themselves and the desk records what comes
	// back (/complaint: Slack opens a form, Telegram reads the line; then
	// Desk.Record). The others the desk answers (Desk.Command).
	Form bool
}

// Who is who may use a command.
type Who int

// Who may use a command.
const (
	AnyStaff  Who = iota // every staff member of the configuration
	Overseers            // specialists, the quality representative, the general manager
)

// Commands are the staff's slash commands: the one list the desk's parser,
// the bots (which names they pass on) and every help text read.
var Commands = []Command{
	{Name: "complaint", Who: AnyStaff, Form: true, Usage: []string{
		"/complaint 王女士 13812345678 星河湾3栋2单元1102 楼上漏水 — 登记业主通过电话、来访、来信或邮件提出的投诉（业主称呼 电话 小区 房号 投诉内容；Slack 上只写 /complaint 打开登记表）"}},
	{Name: "revisit", Who: Overseers, Usage: []string{
		"/revisit TS-2026-000123 — 立即向业主发送这件投诉的回访问卷",
		"/revisit pending — 待回访、未答复回访（需电话回访）的名单",
		"/revisit batch --closed-since 7d — 向近 7 天答复的投诉发送回访问卷（按配置的抽样比例）"}},
	{Name: "bulletin", Who: Overseers, Usage: []string{
		"/bulletin 星河湾,翠湖苑 【停水通知】正文 #TS-2026-000123 — 向小区群、频道和微信粉丝发公告；#编号 的业主单独收到",
		"/bulletin status 12 — 公告 12 的发送进度"}},
	{Name: "report", Who: Overseers, Usage: []string{
		"/report 2026-Q3 — 一个时期的投诉分析要点"}},
	{Name: "close", Who: Overseers, Usage: []string{
		"/close TS-2026-000123 已修复，业主确认 — 闭合一件已答复的投诉（业主会收到通知）"}},
	{Name: "archive", Who: Overseers, Usage: []string{
		"/archive TS-2026-000123 — 归档一件已闭合或无效的投诉",
		"/archive closed-before 30d — 归档 30 天前闭合的全部投诉（也可写 2026-10-01）"}},
}

// CommandNamed finds a command by its name, without the slash.
func CommandNamed(name string) (Command, bool) {
	for _, c := range Commands {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// Answered reports whether the desk answers the command name (Command):
// what a bot passes on as it is.
func Answered(name string) bool {
	c, ok := CommandNamed(name)
	return ok && !c.Form
}

// Usage is the help of the commands named, every command when none is, a
// "• " line each form.
func Usage(names ...string) string {
	var lines []string
	for _, c := range Commands {
		if len(names) > 0 && !contains(names, c.Name) {
			continue
		}
		for _, u := range c.Usage {
			lines = append(lines, "• "+u)
		}
	}
	return strings.Join(lines, "\n")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// allows reports whether p may use commands of w.
func (w Who) allows(p Person) bool {
	return w == AnyStaff || p.Oversees()
}

// Command answers a command a staff member typed in team chat. The answer
// is for the person who typed it (Slack: ephemeral; Telegram: a reply in
// the group). An error means nothing was recorded and the platform may try
// again.
func (d *Desk) Command(ctx context.Context, c StaffCommand) (string, error) {
	p, ok := d.PersonOf(c.Platform, c.PlatformUser)
	if !ok {
		return "您不是登记在 heed 中的员工，不能使用这个命令。", nil
	}
	return d.CommandAs(ctx, p, c)
}

// CommandAs answers a command typed by p (c.Platform and c.PlatformUser
// are not read: p is who typed it). c.InteractionID is the dedupe key of
// what the command creates.
func (d *Desk) CommandAs(ctx context.Context, p Person, c StaffCommand) (string, error) {
	cmd, ok := CommandNamed(c.Name)
	if ok && !cmd.Who.allows(p) {
		return "/" + c.Name + " 只提供给客服专员、品质管理和总经理。", nil
	}
	switch c.Name {
	case "report":
		return d.summary(ctx, c.Args), nil
	case "revisit":
		return d.revisit(ctx, p, c)
	case "bulletin":
		return d.bulletinCommand(ctx, p, c)
	case "close", "archive":
		return d.closingCommand(ctx, p, c)
	}
	return "heed 的命令：\n" + Usage(), nil
}

// Revisits is the revisit survey as /revisit drives it (package
// conversation's engine).
type Revisits interface {
	RevisitNow(ctx context.Context, tx *sqlx.Tx, now time.Time, serial string) (conversation.RevisitAsked, error)
	RevisitBatch(ctx context.Context, since time.Time) (conversation.RevisitBatchDone, error)
	PendingRevisits(ctx context.Context) (conversation.RevisitsPending, error)
	// The worklist and the phone revisit (revisits.go).
	RevisitWorklist(ctx context.Context, answeredSince time.Time) ([]conversation.RevisitItem, error)
	RecordPhoneRevisit(ctx context.Context, tx *sqlx.Tx, now time.Time, actor cases.Actor, serial string, a conversation.PhoneRevisit) (*cases.Case, error)
	RevisitQuestions(lang string) (questions [3]string, scores [5]string)
}

func (d *Desk) revisit(ctx context.Context, p Person, c StaffCommand) (string, error) {
	f := strings.Fields(c.Args)
	switch {
	case d.owners == nil:
		return "回访问卷暂不可用。", nil
	case len(f) == 0 || f[0] == "help":
		return "用法：\n" + Usage("revisit"), nil
	case f[0] == "pending":
		return d.pendingRevisits(ctx)
	case f[0] == "batch":
		since, err := closedSince(f[1:], d.svc.Now(), d.svc.Calendar())
		if err != nil {
			return err.Error(), nil
		}
		done, err := d.owners.RevisitBatch(ctx, since)
		if err != nil {
			return "", err
		}
		return d.batchText(done), nil
	case len(f) == 1:
		return d.revisitNow(ctx, strings.ToUpper(f[0]), p, c)
	}
	return "用法：\n" + Usage("revisit"), nil
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

// revisitNow sends a case's questionnaire because a specialist asked. The
// same command delivered twice (a platform's retry) sends nothing the
// second time.
func (d *Desk) revisitNow(ctx context.Context, serial string, p Person, cmd StaffCommand) (string, error) {
	var answer string
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		first, err := d.firstTime(ctx, tx, now, cmd.Platform, cmd.InteractionID, cmd.PlatformUser, serial, "revisit")
		if err != nil {
			return err
		}
		if !first {
			answer = serial + "：这条命令已经处理过了。"
			return nil
		}
		r, err := d.owners.RevisitNow(ctx, tx, now, serial)
		answer = d.revisitText(r, serial, p)
		return err
	})
	return answer, err
}

// revisitText says what came of /revisit <serial>.
func (d *Desk) revisitText(r conversation.RevisitAsked, serial string, p Person) string {
	c := r.Case
	switch r.Outcome {
	case conversation.RevisitNoCase:
		return "没有编号为 " + serial + " 的投诉。"
	case conversation.RevisitInvalid:
		return c.Serial + " 是无效投诉，不回访。"
	case conversation.RevisitDone:
		return fmt.Sprintf("%s 已回访完毕（%s）。", c.Serial, scores(c))
	case conversation.RevisitNotReplied:
		return fmt.Sprintf("%s 还没有答复业主（当前：%s），答复后才能回访。", c.Serial, StatusName(c.Status))
	case conversation.RevisitRecorded:
		return "请电话回访：" + callLine(c) + "（这件投诉由员工代为登记，没有可发送问卷的聊天）"
	case conversation.RevisitNoChat:
		return "请电话回访：" + callLine(c) + "（找不到业主的聊天）"
	case conversation.RevisitOptedOut:
		return "请电话回访：" + callLine(c) + "（业主已退订问卷）"
	case conversation.RevisitBlocked:
		return "请电话回访：" + callLine(c) + "（业主已屏蔽或取消关注，消息发不到）"
	case conversation.RevisitJustSent:
		return fmt.Sprintf("%s 的回访问卷刚刚已发送（%s），请等业主回答。", c.Serial, channelName(r.Channel))
	case conversation.RevisitResent:
		return fmt.Sprintf("已重新发送 %s 的回访问卷（%s，%s 请求）。", c.Serial, channelName(r.Channel), p.Staff.Name)
	}
	return fmt.Sprintf("已发送 %s 的回访问卷（%s，%s 请求）。", c.Serial, channelName(r.Channel), p.Staff.Name)
}

// callReasons say why an owner is to be called instead of sent a
// questionnaire, in a batch's list.
var callReasons = map[conversation.RevisitOutcome]string{conversation.RevisitNoChat: "找不到业主的聊天",
	conversation.RevisitOptedOut: "已退订", conversation.RevisitBlocked: "已屏蔽或取消关注", conversation.RevisitRecorded: "员工代为登记"}

// batchText says what /revisit batch did.
func (d *Desk) batchText(done conversation.RevisitBatchDone) string {
	var b strings.Builder
	loc := d.svc.Calendar().Location()
	fmt.Fprintf(&b, "回访批量发送：%s 以来答复、尚未回访的投诉 %d 件。\n已发送问卷 %d 件", done.Since.In(loc).Format("2006-01-02 15:04"), done.Total, done.Sent)
	if done.NotDrawn > 0 {
		fmt.Fprintf(&b, "；按 %.0f%% 抽样未抽中 %d 件", d.cfg.Revisit.Ratio*100, done.NotDrawn)
	}
	fmt.Fprintf(&b, "；需电话回访 %d 件。", len(done.Calls))
	var calls []string
	for i := range done.Calls {
		calls = append(calls, callLine(&done.Calls[i].Case)+"（"+callReasons[done.Calls[i].Why]+"）")
	}
	writeList(&b, "请电话回访：", calls)
	return b.String()
}

// pendingRevisits is the specialist's worklist: questionnaires waiting for
// an answer, owners to call, and answered cases whose questionnaire is not
// due yet.
func (d *Desk) pendingRevisits(ctx context.Context) (string, error) {
	p, err := d.owners.PendingRevisits(ctx)
	if err != nil {
		return "", err
	}
	loc := d.svc.Calendar().Location()
	var b strings.Builder
	fmt.Fprintf(&b, "回访待办：问卷已发出、等待业主回答 %d 件；需电话回访 %d 件；已答复业主、问卷尚未发出 %d 件（满 %s 自动发送，或用 /revisit batch 立即发送）。",
		len(p.Waiting), len(p.ToCall), p.NotYet, d.cfg.Revisit.FeedbackWait)
	var lines []string
	for _, w := range p.Waiting {
		l := fmt.Sprintf("%s %s 发出于 %s", w.Serial, w.Category, w.SentAt.In(loc).Format("01-02 15:04"))
		if w.RemindedAt != nil {
			l += "，已提醒"
		}
		lines = append(lines, l)
	}
	writeList(&b, "等待回答：", lines)
	lines = lines[:0]
	for i := range p.ToCall {
		lines = append(lines, callLine(&p.ToCall[i]))
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

func channelName(ch string) string { return ChannelName(cases.Channel(ch)) }
