// Package assets serves the files a page embeds (its CSS, script, icons)
// with an ETag from each file's content, so a browser revalidates cheaply
// and a new build shows at once: the owners' web chat and the desk.
package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

// Set is the files of one folder of an embedded file system, by base name.
type Set map[string]File

// File is one asset.
type File struct {
	Data []byte
	// ETag is a quoted hash of the content; Version the same unquoted, to
	// put in a URL (?v=) so the URL changes with the file.
	ETag, Version string
	Type          string
}

// Load reads every file under dir of fsys. It panics on an error: the
// files were embedded at build time, so one cannot happen.
func Load(fsys fs.FS, dir string) Set {
	set := Set{}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		v := base64.RawURLEncoding.EncodeToString(sum[:12])
		set[path.Base(p)] = File{Data: data, ETag: `"` + v + `"`, Version: v, Type: ctype}
		return nil
	})
	if err != nil {
		panic("assets: reading the embedded files: " + err.Error())
	}
	return set
}

// Serve answers the file called name (404 when there is none). A request
// that names the file's current version (?v=) may keep it for good.
func (s Set) Serve(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := s[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", f.Type)
	hdr.Set("ETag", f.ETag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if v := r.URL.Query().Get("v"); v != "" && v == f.Version {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.Data))
}
