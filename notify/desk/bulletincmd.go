package desk

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify"
)

const bulletinUsage = "用法：/bulletin 小区[,小区…] 【标题】正文 [#投诉编号 …]\n" +
	"例如：/bulletin 星河湾 【停水通知】11月26日 9:00–12:00 3 栋停水检修，请提前储水。#TS-2026-000123\n" +
	"小区写名称或编号，“全部”发给所有小区；#编号 的投诉业主另外单独收到。查看进度：/bulletin status 公告号"

var (
	bulletinTitle  = regexp.MustCompile(`^【([^】]{1,100})】`)
	bulletinSerial = regexp.MustCompile(`(?:^|\s)#([A-Za-z0-9][A-Za-z0-9_-]{2,40})`)
)

// bulletinCommand is /bulletin from team chat: post a notice, or say how
// one is going (/bulletin status 12). The command's interaction id is the
// bulletin's idempotency key, so a platform's retry posts nothing twice.
func (d *Desk) bulletinCommand(ctx context.Context, p Person, c StaffCommand) (string, error) {
	cfg, now := d.cfg, d.svc.Now()
	head, rest := strings.TrimSpace(c.Args), ""
	if i := strings.IndexFunc(head, unicode.IsSpace); i > 0 {
		head, rest = head[:i], strings.TrimSpace(head[i:])
	}
	switch head {
	case "", "help":
		return bulletinUsage, nil
	case "status":
		id, err := strconv.ParseInt(strings.TrimPrefix(rest, "#"), 10, 64)
		if err != nil {
			return "用法：/bulletin status 公告号，例如 /bulletin status 12", nil
		}
		pr, err := d.BulletinProgress(ctx, id)
		if errors.Is(err, ErrBulletinNotFound) {
			return fmt.Sprintf("没有公告 %d。", id), nil
		}
		if err != nil {
			return "", err
		}
		return progressText(id, pr), nil
	case "resend":
		id, err := strconv.ParseInt(strings.TrimPrefix(rest, "#"), 10, 64)
		if err != nil {
			return "用法：/bulletin resend 公告号，重发结果不明的各处", nil
		}
		n, err := d.ResendUncertain(ctx, id, now)
		if errors.Is(err, notify.ErrNothingUncertain) {
			return fmt.Sprintf("公告 %d 没有结果不明的发送。", id), nil
		}
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("公告 %d：%d 处结果不明的已重新排队发送。", id, n), nil
	}
	var ids []string
	for _, name := range strings.FieldsFunc(head, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if name == "全部" || name == "all" {
			for _, cm := range cfg.Communities {
				ids = append(ids, cm.ID)
			}
			continue
		}
		cm, ok := cfg.Community(name)
		if !ok {
			cm, ok = cfg.CommunityByName(name)
		}
		if !ok {
			return fmt.Sprintf("不认识小区“%s”。可用：%s。\n%s", name, communityNames(cfg), bulletinUsage), nil
		}
		ids = append(ids, cm.ID)
	}
	var serials []string
	for _, m := range bulletinSerial.FindAllStringSubmatch(rest, -1) {
		serials = append(serials, strings.ToUpper(m[1]))
	}
	body := strings.TrimSpace(bulletinSerial.ReplaceAllString(rest, ""))
	title := ""
	if m := bulletinTitle.FindStringSubmatch(body); m != nil {
		title, body = m[1], strings.TrimSpace(body[len(m[0]):])
		if body == "" {
			body = title
		}
	}
	if body == "" {
		return bulletinUsage, nil
	}
	id, err := d.PostBulletin(ctx, Bulletin{Key: c.Platform + ":" + c.InteractionID, Title: title, Body: body,
		Communities: ids, Cases: serials, CreatedBy: p.Staff.ID}, now)
	if errors.Is(err, ErrBulletinInvalid) {
		return fmt.Sprintf("公告没有发出：%s。\n%s", strings.TrimPrefix(err.Error(), ErrBulletinInvalid.Error()+": "), bulletinUsage), nil
	}
	if err != nil {
		return "", err
	}
	pr, err := d.BulletinProgress(ctx, id)
	if err != nil {
		return "", err
	}
	groups, owners := 0, 0
	for _, t := range pr.Targets {
		if t.CaseSerial != "" {
			owners++
		} else {
			groups++
		}
	}
	text := fmt.Sprintf("公告 %d 已排队发送：小区群、频道和微信粉丝群发 %d 处", id, groups)
	if len(serials) > 0 {
		text += fmt.Sprintf("，相关投诉业主 %d 位（%d 件投诉中可在聊天中联系到的）", owners, len(serials))
	}
	return text + fmt.Sprintf("。查看进度：/bulletin status %d", id), nil
}

// progressText is a bulletin's delivery as the specialist reads it, with
// what blocked each failed target (a WeChat quota says so here).
func progressText(id int64, p *Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "公告 %d：共 %d 处，已送达 %d，待发送 %d，失败 %d", id, p.Total, p.Sent, p.Pending, p.Failed)
	if p.Uncertain > 0 {
		fmt.Fprintf(&b, "，结果不明 %d", p.Uncertain)
	}
	b.WriteString("。")
	n := 0
	for _, t := range p.Targets {
		if t.State != "dead" && t.State != "uncertain" && (t.State == "sent" || t.LastError == "") {
			continue
		}
		if n == 10 {
			b.WriteString("\n…")
			break
		}
		n++
		state := "失败"
		switch t.State {
		case "uncertain":
			state = "结果不明"
		case "pending", "sending":
			state = "重试中"
		}
		fmt.Fprintf(&b, "\n• %s %s（%s）：%s", t.Channel, targetName(t), state, t.LastError)
	}
	if p.Failed > 0 {
		b.WriteString("\n失败的可在 GET /api/v1/outbox/dead 查看，POST /api/v1/outbox/{id}/retry 重发。")
	}
	if p.Uncertain > 0 {
		fmt.Fprintf(&b, "\n结果不明 %d 处：发送时 heed 中断，可能已收到，因此未自动重发。确认要重发：/bulletin resend %d（或 POST /api/v1/bulletins/%d/resend-uncertain），这些群可能收到两次。", p.Uncertain, id, id)
	}
	return b.String()
}

func targetName(t TargetState) string {
	if t.CaseSerial != "" {
		return "业主 " + t.CaseSerial
	}
	return t.Community
}

func communityNames(cfg *config.Config) string {
	var names []string
	for _, cm := range cfg.Communities {
		names = append(names, cm.Name+"（"+cm.ID+"）")
	}
	return strings.Join(names, "、")
}
