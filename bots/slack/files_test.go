package slack_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/heedhq/heed/bots/internal/bottest"
	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/conversation"
)

func TestFileShareInADirectMessage(t *testing.T) {
	e := setup(t)
	files := &bottest.Files{}
	e.bot.SetFiles(files)
	photo := e.slack.AddFile("U01OWNER", "IMG_0001.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0 a jpeg"))
	// A file the app may not read: Slack answers with its sign-in page.
	unreadable := slackfake.File{ID: "F0NOSCOPE", Name: "scan.pdf", Mimetype: "application/pdf",
		URLPrivate: e.slack.URL + "/files-pri/T0HEED-F0NOSCOPE/scan.pdf"}
	wantStatus(t, e.post(eventsPath, slackfake.FileShareEvent("EvF1", "D01OWNER", "U01OWNER", "门口的水渍", photo, unreadable)), http.StatusOK)
	got := e.eng.Inbounds()
	if len(got) != 1 {
		t.Fatalf("engine got %d messages", len(got))
	}
	in := got[0]
	if in.Kind != conversation.KindPhoto || in.Text != "门口的水渍" || len(in.Attachments) != 2 {
		t.Fatalf("inbound %+v", in)
	}
	if a := in.Attachments[0]; a.Ref != "file:1" || a.Name != "IMG_0001.jpg" {
		t.Errorf("the photo was not kept: %+v", a)
	}
	if a := in.Attachments[1]; a.Ref != "slack-file:F0NOSCOPE" || a.Kind != "file" {
		t.Errorf("the unreadable file: %+v, want a reference", a)
	}
	saved := files.Saved()
	if len(saved) != 1 || !bytes.Equal(saved[0].Data, photo.Data) {
		t.Fatalf("saved %+v", saved)
	}
	if e.slack.FileDownloads() != 1 {
		t.Fatalf("%d downloads with the token", e.slack.FileDownloads())
	}

	// The app's own upload (its bot user, named in authorizations) is not an owner's.
	own := e.slack.AddFile("U0HEEDBOT", "card.png", "image/png", []byte("\x89PNG\r\n\x1a\n"))
	wantStatus(t, e.post(eventsPath, slackfake.FileShareEvent("EvF2", "D01OWNER", "U0HEEDBOT", "", own)), http.StatusOK)
	if n := len(e.eng.Inbounds()); n != 1 {
		t.Fatalf("heed's own upload reached the engine (%d messages)", n)
	}
}
