package cases

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// MaxFileBytes bounds one attachment an owner sends.
const MaxFileBytes = 10 << 20

// SaveFile keeps an owner's photo or file and returns the attachment that
// refers to it ("file:123"). The same bytes saved twice are kept once.
func (s *Service) SaveFile(ctx context.Context, name, mime string, data []byte) (Attachment, error) {
	if len(data) == 0 {
		return Attachment{}, invalidField("file", "is empty")
	}
	if len(data) > MaxFileBytes {
		return Attachment{}, invalidField("file", "is %d bytes, more than the %d allowed", len(data), MaxFileBytes)
	}
	if mime == "" || mime == "application/octet-stream" {
		mime = http.DetectContentType(data)
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	var id int64
	err := s.db.GetContext(ctx, &id, q.FileByDigest, digest, len(data))
	if errors.Is(err, sql.ErrNoRows) {
		err = s.db.GetContext(ctx, &id, q.InsertFile, digest, name, mime, len(data), data)
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("save file: %w", err)
	}
	kind := "file"
	switch {
	case strings.HasPrefix(mime, "image/"):
		kind = "photo"
	case strings.HasPrefix(mime, "audio/"):
		kind = "voice"
	case strings.HasPrefix(mime, "video/"):
		kind = "video"
	}
	return Attachment{Kind: kind, Ref: "file:" + strconv.FormatInt(id, 10), Name: name, MIME: mime, Size: int64(len(data))}, nil
}

// File is a stored attachment's content.
type File struct {
	Name string `db:"name"`
	MIME string `db:"mime"`
	Data []byte `db:"data"`
}

// OpenFile reads a stored attachment by its reference.
func (s *Service) OpenFile(ctx context.Context, ref string) (*File, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(ref, "file:"), 10, 64)
	if err != nil || !strings.HasPrefix(ref, "file:") {
		return nil, errorf(CodeNotFound, "no file %q", ref)
	}
	var f File
	err = s.db.GetContext(ctx, &f, q.FileByID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(CodeNotFound, "no file %q", ref)
	}
	if err != nil {
		return nil, fmt.Errorf("open file: %w", err)
	}
	return &f, nil
}

// Setting returns the shared value called name, making it with mk the first
// time (the first heed serve to ask wins; every other gets the same value).
func (s *Service) Setting(ctx context.Context, name string, mk func() string) (string, error) {
	if _, err := s.db.ExecContext(ctx, q.InsertSetting, name, mk()); err != nil {
		return "", fmt.Errorf("setting %s: %w", name, err)
	}
	var v string
	if err := s.db.GetContext(ctx, &v, q.Setting, name); err != nil {
		return "", fmt.Errorf("setting %s: %w", name, err)
	}
	return v, nil
}
