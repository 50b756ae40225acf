package slack

import (
	"net/http"
	"strings"

	slackapi "github.com/slack-go/slack"
)

// CommandComplaint opens the form that records a complaint a staff member
// took by phone, at the desk, by letter or by e-mail.
const CommandComplaint = "/complaint"

const commandsHelp = "heed 的命令：\n" +
	"• /complaint — 登记业主通过电话、来访、来信或邮件提出的投诉（打开登记表）。\n" +
	"派单卡片上的按钮用于受理、转派、提交处理措施等；业主请直接私信本应用。"

// commands is POST /webhooks/slack/commands. Slack shows the body of the
// answer to the person who typed the command.
func (b *Bot) commands(w http.ResponseWriter, r *http.Request) {
	if _, ok := b.verified(w, r); !ok {
		return
	}
	cmd, err := slackapi.SlashCommandParse(r)
	if err != nil || cmd.Command == "" {
		http.Error(w, "malformed slash command: a form with command, user_id and trigger_id is required", http.StatusBadRequest)
		return
	}
	if cmd.Command != CommandComplaint || strings.TrimSpace(cmd.Text) == "help" {
		writeJSON(w, ephemeral(commandsHelp))
		return
	}
	if cmd.TriggerID == "" || cmd.UserID == "" {
		http.Error(w, "malformed slash command: user_id and trigger_id are required", http.StatusBadRequest)
		return
	}
	// Who may record is the recorder's to decide when the form comes back.
	if _, err := b.api.OpenViewContext(r.Context(), cmd.TriggerID, b.recordModal(cmd.ChannelID)); err != nil {
		b.log.Warn("slack views.open", "command", cmd.Command, "err", err)
		writeJSON(w, ephemeral("登记表未能打开，请再输入一次 /complaint。"))
		return
	}
	w.WriteHeader(http.StatusOK)
}

func ephemeral(text string) map[string]string {
	return map[string]string{"response_type": "ephemeral", "text": text}
}
