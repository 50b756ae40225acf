// Package bottest has the stand-ins the channel bots' own tests share: an
// engine that records what reaches it, and an in-memory file store.
package bottest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// Engine records the inbound messages that reach it and reports a
// MessageID seen before as a duplicate, as the real engine does in its
// transaction.
type Engine struct {
	mu   sync.Mutex
	ins  []conversation.Inbound
	seen map[string]bool
	err  error
}

// Handle records in, or fails with the error set by Fail.
func (e *Engine) Handle(_ context.Context, in conversation.Inbound) (conversation.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return conversation.Result{}, e.err
	}
	e.ins = append(e.ins, in)
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	dup := e.seen[in.MessageID]
	e.seen[in.MessageID] = true
	return conversation.Result{Duplicate: dup}, nil
}

// Fail makes every Handle from now on fail with err (nil: succeed again).
func (e *Engine) Fail(err error) {
	e.mu.Lock()
	e.err = err
	e.mu.Unlock()
}

// Inbounds is what reached the engine, duplicates included, in order.
func (e *Engine) Inbounds() []conversation.Inbound {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]conversation.Inbound(nil), e.ins...)
}

// SavedFile is one file Files kept.
type SavedFile struct {
	Name, MIME string
	Data       []byte
}

// Files keeps saved files in memory, as cases.Service.SaveFile does in
// PostgreSQL: audio is a voice note, anything else a photo.
type Files struct {
	mu    sync.Mutex
	saved []SavedFile
}

// SaveFile keeps the file and returns its attachment.
func (f *Files) SaveFile(_ context.Context, name, mime string, data []byte) (cases.Attachment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saved = append(f.saved, SavedFile{name, mime, data})
	kind := "photo"
	if strings.HasPrefix(mime, "audio/") {
		kind = "voice"
	}
	return cases.Attachment{Kind: kind, Ref: fmt.Sprintf("file:%d", len(f.saved)), Name: name, MIME: mime, Size: int64(len(data))}, nil
}

// Saved is what was kept, in order.
func (f *Files) Saved() []SavedFile {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]SavedFile(nil), f.saved...)
}
