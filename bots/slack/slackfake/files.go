package slackfake

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// File is a file an owner uploaded, as Slack describes it in a file_share
// message's files[] (the fields of Slack's own samples).
type File struct {
	ID       string
	Name     string
	Mimetype string
	Filetype string // "png", "jpg"…
	User     string
	Data     []byte
	// URLPrivate and URLPrivateDownload are on the fake: only a request
	// with the bot token in Authorization gets the file.
	URLPrivate, URLPrivateDownload string
}

// AddFile makes a file user uploaded available at its url_private, and
// returns it for a MessageEvent's Files.
func (s *Server) AddFile(user, name, mimetype string, data []byte) File {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	id := fmt.Sprintf("F%08dHEED", s.seq)
	ft := strings.TrimPrefix(mimetype[strings.IndexByte(mimetype, '/')+1:], "x-")
	if ft == "jpeg" {
		ft = "jpg"
	}
	f := File{ID: id, Name: name, Mimetype: mimetype, Filetype: ft, User: user, Data: data,
		URLPrivate:         s.URL + "/files-pri/" + TeamID + "-" + id + "/" + name,
		URLPrivateDownload: s.URL + "/files-pri/" + TeamID + "-" + id + "/download/" + name}
	if s.files == nil {
		s.files = map[string]File{}
	}
	s.files[strings.TrimPrefix(f.URLPrivate, s.URL)] = f
	s.files[strings.TrimPrefix(f.URLPrivateDownload, s.URL)] = f
	return f
}

// FileDownloads are how many times files were fetched with the token.
func (s *Server) FileDownloads() int {
	return len(s.calls.Where(func(c Call) bool { return c.Method == "files-pri" }))
}

// serveFile answers a url_private GET as Slack does: the file with the bot
// token as a Bearer header; without it, Slack's sign-in page with status 200.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.files[r.URL.Path]
	s.mu.Unlock()
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" || s.Token != "" && token != s.Token {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>")
		return
	}
	s.calls.Add(Call{Method: "files-pri", Params: map[string]string{"path": r.URL.Path}, Token: token, At: time.Now()})
	w.Header().Set("Content-Type", f.Mimetype)
	w.Write(f.Data) //nolint:errcheck
}

// json is the file object of an event's files[].
func (f File) json(now time.Time) map[string]any {
	return map[string]any{
		"id": f.ID, "created": now.Unix(), "timestamp": now.Unix(), "name": f.Name, "title": f.Name,
		"mimetype": f.Mimetype, "filetype": f.Filetype, "pretty_type": strings.ToUpper(f.Filetype), "user": f.User,
		"user_team": TeamID, "editable": false, "size": len(f.Data), "mode": "hosted", "is_external": false,
		"external_type": "", "is_public": false, "public_url_shared": false, "display_as_bot": false, "username": "",
		"url_private": f.URLPrivate, "url_private_download": f.URLPrivateDownload, "media_display_type": "unknown",
		"permalink":        "https://heed-test.slack.com/files/" + f.User + "/" + f.ID + "/" + f.Name,
		"permalink_public": "https://slack-files.com/" + TeamID + "-" + f.ID + "-0a1b2c3d4e",
		"is_starred":       false, "has_rich_preview": false, "file_access": "visible",
	}
}
