package slack

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/heedhq/heed/cases"
)

// Files keeps the photos and files owners send in a DM.
type Files interface {
	SaveFile(ctx context.Context, name, mime string, data []byte) (cases.Attachment, error)
}

// SetFiles lets owners send photos in a DM (file_share messages): each file
// is fetched from its url_private with the bot token (the files:read scope)
// and kept. Without it the files are kept as references only.
func (b *Bot) SetFiles(f Files) { b.files = f }

// fileTimeout bounds one download inside the event's handling: Slack
// retries an event that got no answer in 3 seconds (the retry is a
// duplicate, harmless), and a file it cannot give now stays a reference.
const fileTimeout = 10 * time.Second

// attachments fetches and keeps the files of a file_share message. A file
// Slack cannot give now is kept as its id ("slack-file:F…").
func (b *Bot) attachments(ctx context.Context, files []slackapi.File) []cases.Attachment {
	var out []cases.Attachment
	for _, f := range files {
		out = append(out, b.download(ctx, f))
	}
	return out
}

func (b *Bot) download(ctx context.Context, f slackapi.File) cases.Attachment {
	kind := "file"
	if strings.HasPrefix(f.Mimetype, "image/") {
		kind = "photo"
	}
	fallback := cases.Attachment{Kind: kind, Ref: "slack-file:" + f.ID, Name: f.Name, MIME: f.Mimetype}
	link := f.URLPrivateDownload
	if link == "" {
		link = f.URLPrivate
	}
	if b.files == nil || link == "" || f.Size > cases.MaxFileBytes {
		return fallback
	}
	ctx, cancel := context.WithTimeout(ctx, fileTimeout)
	defer cancel()
	var buf limitedBuffer
	// The library sends the token only to Slack's hosts or the API's own.
	if err := b.api.GetFileContext(ctx, link, &buf); err != nil {
		b.log.Warn("slack file download", "file", f.ID, "err", errors.Unwrap(err))
		return fallback
	}
	data := buf.Bytes()
	// Without the files:read scope Slack answers the download with its
	// sign-in page, status 200.
	if len(data) == 0 || strings.HasPrefix(http.DetectContentType(data), "text/html") && !strings.HasPrefix(f.Mimetype, "text/html") {
		b.log.Warn("slack file download: not the file (is the files:read scope granted?)", "file", f.ID)
		return fallback
	}
	a, err := b.files.SaveFile(ctx, f.Name, f.Mimetype, data)
	if err != nil {
		b.log.Warn("slack file save", "file", f.ID, "err", err)
		return fallback
	}
	return a
}

// limitedBuffer refuses more than cases.MaxFileBytes.
type limitedBuffer struct{ bytes.Buffer }

var errTooLarge = errors.New("file larger than heed keeps")

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.Len()+len(p) > cases.MaxFileBytes {
		return 0, errTooLarge
	}
	return l.Buffer.Write(p)
}
