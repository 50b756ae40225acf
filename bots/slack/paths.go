package slack

import (
	"strings"

	"github.com/heedhq/heed/notify/desk"
	slackapi "github.com/slack-go/slack"
)

// pathElement is the input element of a side path's form field: the
// assisting departments as a multi-select (those assisting now chosen),
// the finding as a select, its other fields as one-line texts. nil: an
// empty choice, left out.
func pathElement(in desk.Input) slackapi.BlockElement {
	var opts []*slackapi.OptionBlockObject
	var initial []*slackapi.OptionBlockObject
	for _, o := range in.Options {
		label := strings.TrimPrefix(o.Label, "✓ ")
		opt := slackapi.NewOptionBlockObject(o.Value, plain(clip(label, maxButtonText)), nil)
		opts = append(opts, opt)
		for _, v := range in.Values {
			if v == o.Value {
				initial = append(initial, opt)
			}
		}
	}
	switch {
	case in.Multi:
		if len(opts) == 0 {
			return nil
		}
		el := slackapi.NewOptionsMultiSelectBlockElement(slackapi.MultiOptTypeStatic, plain("请选择"), in.Name, opts[:min(len(opts), maxOptions)]...)
		el.InitialOptions = initial
		return el
	case len(in.Options) > 0:
		return slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, plain("请选择"), in.Name, opts[:min(len(opts), maxOptions)]...)
	}
	el := slackapi.NewPlainTextInputBlockElement(nil, in.Name)
	el.MaxLength, el.InitialValue = maxInputText, clip(in.Value, maxInputText)
	return el
}

// pathInputs reads a side path's fields from a submitted form into a; it
// returns the first of its blocks in the form ("" for none), where a
// refusal is shown.
func pathInputs(ic *slackapi.InteractionCallback, a *desk.Paths) string {
	first := ""
	seen := func(id string) (slackapi.BlockAction, bool) {
		v, ok := stateValue(ic, id)
		if ok && first == "" {
			first = id
		}
		return v, ok
	}
	if v, ok := seen(desk.InputAssisting); ok {
		var ids []string
		for _, o := range v.SelectedOptions {
			ids = append(ids, o.Value)
		}
		a.Assisting, a.AssistingChosen = strings.Join(ids, ","), true
	}
	if v, ok := seen(desk.InputResponsibility); ok {
		a.Responsibility = v.SelectedOption.Value
	}
	for id, into := range map[string]*string{desk.InputResponsibleStaff: &a.ResponsibleStaff,
		desk.InputAccountability: &a.Accountability, desk.InputCAPAReport: &a.CAPAReport} {
		if v, ok := seen(id); ok {
			*into = strings.TrimSpace(v.Value)
		}
	}
	return first
}
