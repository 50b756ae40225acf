package slack

import (
	"net/http"
	"strings"

	"github.com/heedhq/heed/notify/desk"
	slackapi "github.com/slack-go/slack"
)

// CommandComplaint opens the form that records a complaint a staff member
// took by phone, at the desk, by letter or by e-mail.
const CommandComplaint = "/complaint"

// commandsHelp is the answer to a command heed does not know, or /complaint help.
var commandsHelp = "heed 的命令：\n" + desk.Usage() + "\n" +
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
	if name := strings.TrimPrefix(cmd.Command, "/"); b.cmds != nil && desk.Answered(name) {
		b.staffCommand(w, r, cmd, name)
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

// staffCommand answers the desk's commands privately. What they
// do is committed before the answer; an error answers 500 and records
// nothing.
func (b *Bot) staffCommand(w http.ResponseWriter, r *http.Request, cmd slackapi.SlashCommand, name string) {
	if cmd.UserID == "" {
		http.Error(w, "malformed slash command: user_id is required", http.StatusBadRequest)
		return
	}
	// Slack does not retry slash commands; trigger_id is unique per invocation.
	text, err := b.cmds.Command(r.Context(), desk.StaffCommand{Platform: Platform, PlatformUser: cmd.UserID, ChatID: cmd.ChannelID,
		InteractionID: cmd.TriggerID, Name: name, Args: strings.TrimSpace(cmd.Text)})
	if err != nil {
		b.log.Error("slack command", "command", cmd.Command, "err", err)
		http.Error(w, "could not run the command; try again", http.StatusInternalServerError)
		return
	}
	writeJSON(w, ephemeral(text))
}

func ephemeral(text string) map[string]string {
	return map[string]string{"response_type": "ephemeral", "text": text}
}
