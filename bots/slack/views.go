package slack

import (
	"fmt"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify/desk"
)

// staffChannels are the ways a complaint reaches a staff member who records
// it with /complaint, in the order the form offers them.
var staffChannels = []struct {
	Channel cases.Channel
	Label   string
}{
	{cases.ChannelPhone, "电话"},
	{cases.ChannelWalkIn, "来访"},
	{cases.ChannelLetter, "来信"},
	{cases.ChannelEmail, "邮件"},
}

// actModal is the desk's form for a card action as a modal.
// private_metadata carries "<action>:<serial>:<channel>" to the submission.
// ok is false when a choice has nothing to choose from.
func actModal(action, serial, channel string, f *desk.Form) (slackapi.ModalViewRequest, bool) {
	v := slackapi.ModalViewRequest{
		Type: slackapi.VTModal, CallbackID: CallbackAct,
		PrivateMetadata: clip(action+":"+serial+":"+channel, maxPrivateMeta),
		Title:           plain(clip(f.Title, maxModalTitle)), Submit: plain("提交"), Close: plain("取消"),
	}
	blocks := []slackapi.Block{slackapi.NewContextBlock("case", mrkdwn(esc(serial)))}
	for _, in := range f.Inputs {
		var el slackapi.BlockElement
		switch in.Name {
		case desk.InputAssisting, desk.InputResponsibility, desk.InputResponsibleStaff, desk.InputAccountability, desk.InputCAPAReport:
			if el = pathElement(in); el == nil {
				continue
			}
		case InputDepartment, InputHandler, InputCategory:
			var opts []*slackapi.OptionBlockObject
			for _, o := range in.Options {
				opts = append(opts, slackapi.NewOptionBlockObject(o.Value, plain(clip(o.Label, maxButtonText)), nil))
			}
			if len(opts) == 0 {
				if in.Optional {
					continue
				}
				return v, false
			}
			el = slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, plain("请选择"), in.Name, opts[:min(len(opts), maxOptions)]...)
		default:
			t := slackapi.NewPlainTextInputBlockElement(nil, InputText)
			t.Multiline, t.MaxLength, t.InitialValue = true, maxInputText, clip(startText(in), maxInputText)
			el = t
		}
		blocks = append(blocks, slackapi.NewInputBlock(in.Name, plain(clip(in.Label, maxModalTitle)), templateHint(in), el).WithOptional(in.Optional))
	}
	v.Blocks = slackapi.Blocks{BlockSet: blocks}
	return v, true
}

// recordModal is the /complaint form: the B01 record's essentials as a
// staff member takes them on the phone. The specialist judges and
// dispatches from the card that follows.
func (b *Bot) recordModal(channel string) slackapi.ModalViewRequest {
	text := func(id, label, placeholder string, optional, multiline bool) slackapi.Block {
		el := slackapi.NewPlainTextInputBlockElement(nil, id)
		if placeholder != "" {
			el.Placeholder = plain(placeholder)
		}
		el.Multiline, el.MaxLength = multiline, maxInputText
		return slackapi.NewInputBlock(id, plain(label), nil, el).WithOptional(optional)
	}
	choose := func(id, label string, opts []*slackapi.OptionBlockObject, initial *slackapi.OptionBlockObject) slackapi.Block {
		sel := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, plain("请选择"), id, opts[:min(len(opts), maxOptions)]...)
		sel.InitialOption = initial
		return slackapi.NewInputBlock(id, plain(label), nil, sel)
	}
	blocks := []slackapi.Block{
		text(InputName, "业主姓名", "", false, false),
		text(InputPhone, "联系电话", "13812345678，或 027-88880000，或 +852 …", true, false),
	}
	var communities []*slackapi.OptionBlockObject
	for _, c := range b.cfg.Communities {
		communities = append(communities, slackapi.NewOptionBlockObject(c.ID, plain(clip(c.Name, maxButtonText)), nil))
	}
	if len(communities) > 0 {
		blocks = append(blocks, choose(InputCommunity, "小区", communities, nil))
	}
	blocks = append(blocks,
		text(InputUnit, "房号", "3栋2单元1102", true, false),
		text(InputContent, "投诉内容", "", false, true),
		text(InputPurpose, "投诉目的、要求", "业主希望怎样处理", true, false),
		text(InputReplyBy, "要求答复日期", "2026-12-10", true, false))
	var categories []*slackapi.OptionBlockObject
	for _, c := range b.cfg.Categories {
		categories = append(categories, slackapi.NewOptionBlockObject(c.ID, plain(clip(c.Name, maxButtonText)), nil))
	}
	if len(categories) > 0 {
		blocks = append(blocks, choose(InputCategory, "投诉性质", categories, nil))
	}
	var channels []*slackapi.OptionBlockObject
	for _, c := range staffChannels {
		channels = append(channels, slackapi.NewOptionBlockObject(string(c.Channel), plain(c.Label), nil))
	}
	blocks = append(blocks, choose(InputChannel, "来源", channels, channels[0]))
	return slackapi.ModalViewRequest{
		Type: slackapi.VTModal, CallbackID: CallbackRecord, PrivateMetadata: channel,
		Title: plain("登记投诉"), Submit: plain("登记"), Close: plain("取消"),
		Blocks: slackapi.Blocks{BlockSet: blocks},
	}
}

// doneModal replaces a submitted form with what came of it.
func doneModal(title, message string) slackapi.ModalViewRequest {
	return slackapi.ModalViewRequest{
		Type: slackapi.VTModal, Title: plain(clip(title, maxModalTitle)), Close: plain("关闭"),
		Blocks: slackapi.Blocks{BlockSet: textSections("done", message, 5)},
	}
}

// startText is what a text input of a modal starts from: the proposed text,
// else the best reply template for the case (desk.Input.Templates), to edit.
func startText(in desk.Input) string {
	if in.Value == "" && len(in.Templates) > 0 {
		return in.Templates[0].Body
	}
	return in.Value
}

// templateHint names the input's templates under it: the text may be
// replaced by "#N" to send template N instead (the desk reads it).
func templateHint(in desk.Input) *slackapi.TextBlockObject {
	if len(in.Templates) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("模板：")
	for i, t := range in.Templates {
		if i > 0 {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "#%d %s", i+1, t.Title)
	}
	b.WriteString("（整段只写 #编号 即用该模板全文）")
	return plain(clip(b.String(), maxHint))
}

// maxHint is the longest hint Slack takes under an input block.
const maxHint = 2000
