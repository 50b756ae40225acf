package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// closingCommand answers /close and /archive, typed by a specialist (the
// lifecycle decides who may; a refusal says why).
func (d *Desk) closingCommand(ctx context.Context, p Person, c StaffCommand) (string, error) {
	actor := p.actor()
	f := strings.Fields(c.Args)
	switch {
	case len(f) == 0 || f[0] == "help":
		return "用法：\n" + Usage("close", "archive"), nil
	case c.Name == "archive" && f[0] == "closed-before":
		if len(f) != 2 {
			return "用法：\n" + Usage("close", "archive"), nil
		}
		before, err := d.before(f[1])
		if err != nil {
			return err.Error(), nil
		}
		if p.Role != config.RoleSpecialist {
			return p.Staff.Name + "（" + d.roleName(p.StaffRef) + "）不能归档投诉：只有投诉专员可以归档。", nil
		}
		done, err := d.svc.ArchiveClosed(ctx, actor, before)
		if err != nil {
			return "", err
		}
		if len(done) == 0 {
			return fmt.Sprintf("%s 以前闭合的投诉都已归档，没有可归档的。", d.when(before)), nil
		}
		list := done
		if len(list) > 20 {
			list = list[:20]
		}
		msg := fmt.Sprintf("已归档 %d 件 %s 以前闭合的投诉：%s", len(done), d.when(before), strings.Join(list, "、"))
		if len(done) > len(list) {
			msg += fmt.Sprintf(" 等（另有 %d 件）", len(done)-len(list))
		}
		return msg + "。仍在等待开发商答复的不归档。", nil
	}
	serial := strings.ToUpper(f[0])
	tr := cases.Transition{Action: cases.ActArchive}
	action := "archive"
	if c.Name == "close" {
		action = "close"
		tr = cases.Transition{Action: cases.ActClose, Result: strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(c.Args), f[0]))}
		if tr.Result == "" {
			tr.Result = "投诉专员闭合"
		}
	}
	got, err := d.svc.Apply(ctx, actor, serial, tr)
	var e *cases.Error
	if errors.As(err, &e) {
		now, _ := d.svc.Get(ctx, serial)
		return d.refusal(e, p, action, now), nil
	}
	if err != nil {
		return "", err
	}
	if action == "close" {
		return got.Serial + " 已闭合，业主会收到通知。", nil
	}
	return got.Serial + " 已归档。", nil
}

// before reads "30d" (that long ago) or a date "2026-10-01".
func (d *Desk) before(spec string) (time.Time, error) {
	loc := d.svc.Calendar().Location()
	if t, err := time.ParseInLocation("2006-01-02", spec, loc); err == nil {
		return t, nil
	}
	sp, err := cases.ParseSpan(spec)
	if err != nil || sp.Unit != cases.SpanElapsed {
		return time.Time{}, fmt.Errorf("closed-before %s：请写成 30d、72h 或日期 2026-10-01", spec)
	}
	return d.svc.Now().Add(-sp.D), nil
}
