package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/language"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// messageRequest is what the page posts for a typed message or a pressed
// choice. After is the newest line id the page shows (also accepted as the
// query parameter ?after=N); the answer then carries every line after it.
type messageRequest struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Button string `json:"button"`
	After  *int64 `json:"after"`
}

// messageResponse answers a post once the engine has committed it.
type messageResponse struct {
	Duplicate bool                `json:"duplicate"`
	Lines     []conversation.Line `json:"lines"`
}

func (h *Handler) postMessage(w http.ResponseWriter, r *http.Request, session string) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxMessageBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	var req messageRequest
	if err := dec.Decode(&req); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return tooLarge("the message is over %d KB", maxMessageBody>>10)
		}
		return badRequest("the body must be one JSON object, with nothing after it")
	}
	if err := checkClientID(req.ID); err != nil {
		return err
	}
	req.Text, req.Button = storable(req.Text), storable(req.Button)
	in := h.inbound(r, session, req.ID)
	switch {
	case req.Button != "" && req.Text != "":
		return badRequest("send either text or button, not both")
	case req.Button != "":
		if len(req.Button) > maxButton {
			return badRequest("button: at most %d bytes, got %d", maxButton, len(req.Button))
		}
		in.Kind, in.Button = conversation.KindButton, req.Button
	case strings.TrimSpace(req.Text) == "":
		return badRequest("the message is empty: send text or a button")
	default:
		in.Kind, in.Text = conversation.KindText, req.Text
	}
	after, given, err := parseAfter(r.URL.Query().Get("after"))
	if err != nil {
		return err
	}
	if req.After != nil {
		if *req.After < 0 {
			return badRequest("after: want the id of the newest line shown (an integer ≥ 0)")
		}
		after, given = *req.After, true
	}
	return h.handle(w, r, in, after, given)
}

func (h *Handler) postPhoto(w http.ResponseWriter, r *http.Request, session string) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxPhotoBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return badRequest("send the photo as multipart/form-data with a field named photo")
	}
	var (
		data           []byte
		name, caption  string
		id, afterField string
		gotPhoto       bool
	)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return multipartError(err)
		}
		var limit int64
		switch part.FormName() {
		case "photo":
			limit = cases.MaxFileBytes
		case "caption":
			limit = maxCaption
		case "id", "after":
			limit = 64
		default:
			limit = 0 // unknown fields are read past, not kept
		}
		b, over, err := readAll(part, limit)
		if err != nil {
			return multipartError(err)
		}
		if over && limit > 0 {
			if part.FormName() == "photo" {
				return tooLarge("the photo is over %d MB", cases.MaxFileBytes>>20)
			}
			return tooLarge("%s: at most %d bytes", part.FormName(), limit)
		}
		switch part.FormName() {
		case "photo":
			data, name, gotPhoto = b, part.FileName(), true
		case "caption":
			caption = storable(string(b))
		case "id":
			id = string(b)
		case "after":
			afterField = string(b)
		}
	}
	switch {
	case !gotPhoto:
		return badRequest("no photo: send the image in a field named photo")
	case len(data) == 0:
		return badRequest("the photo is empty")
	}
	typ := sniffImage(data)
	if typ == "" {
		return badRequest("the photo is not an image: send a JPEG, PNG, GIF, WebP or HEIC picture")
	}
	if id == "" {
		id = newSessionID() // no id, no retry to recognise: any fresh id will do
	} else if err := checkClientID(id); err != nil {
		return err
	}
	after, given, err := parseAfter(afterField)
	if err == nil && !given {
		after, given, err = parseAfter(r.URL.Query().Get("after"))
	}
	if err != nil {
		return err
	}
	att, err := h.keep(r, session, fileName(name, typ), typ, data)
	if err != nil {
		return err
	}
	in := h.inbound(r, session, id)
	in.Kind, in.Text, in.Attachments = conversation.KindPhoto, caption, []cases.Attachment{att}
	return h.handle(w, r, in, after, given)
}

// keep stores the photo within the session's budget for the day and its
// draft's: over either, the owner is told so politely and nothing is kept.
func (h *Handler) keep(r *http.Request, session, name, typ string, data []byte) (cases.Attachment, error) {
	if h.uploads == nil {
		return h.files.SaveFile(r.Context(), name, typ, data)
	}
	release, over, err := h.uploads.Reserve(r.Context(), session, int64(len(data)), h.limits, h.now())
	if err != nil {
		return cases.Attachment{}, err
	}
	if over != "" {
		return cases.Attachment{}, &apiError{status: http.StatusForbidden, code: "over_budget", message: polite(r, over+"_budget")}
	}
	att, err := h.files.SaveFile(r.Context(), name, typ, data)
	if err != nil {
		release()
	}
	return att, err
}

// handle passes in to the engine and answers only after it has returned,
// i.e. committed: with the lines after the page's newest, or, for a client
// that did not say which it has, the replies to this message.
func (h *Handler) handle(w http.ResponseWriter, r *http.Request, in conversation.Inbound, after int64, given bool) error {
	res, err := h.eng.Handle(r.Context(), in)
	if err != nil {
		return err
	}
	resp := messageResponse{Duplicate: res.Duplicate, Lines: []conversation.Line{}}
	if !given {
		for _, o := range res.Replies {
			resp.Lines = append(resp.Lines, conversation.Line{From: "heed", Text: o.Text, Choices: o.Choices, At: in.At})
		}
		writeJSON(w, http.StatusOK, resp)
		return nil
	}
	lines, err := h.eng.Transcript(r.Context(), cases.ChannelWeb, in.ChatID, after)
	if err != nil {
		// The message is in; the page's next poll brings the answers.
		h.log.Error("web chat: transcript after a message", "err", err)
	} else if lines != nil {
		resp.Lines = lines
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (h *Handler) getMessages(w http.ResponseWriter, r *http.Request, session string) error {
	after, _, err := parseAfter(r.URL.Query().Get("after"))
	if err != nil {
		return err
	}
	lines, err := h.eng.Transcript(r.Context(), cases.ChannelWeb, session, after)
	if err != nil {
		return err
	}
	if lines == nil {
		lines = []conversation.Line{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"lines": lines})
	return nil
}

func (h *Handler) inbound(r *http.Request, session, id string) conversation.Inbound {
	return conversation.Inbound{
		Channel:      cases.ChannelWeb,
		ChatID:       session,
		UserID:       session,
		MessageID:    "web:" + session + ":" + id,
		LanguageHint: languageHint(r.Header.Get("Accept-Language")),
		At:           h.now(),
	}
}

// storable is text as PostgreSQL can keep it: NUL characters dropped and
// invalid UTF-8 replaced (U+FFFD), so an odd byte never costs the owner
// their message.
func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// checkClientID accepts the ids pages make: a UUID, or anything as plain.
func checkClientID(id string) error {
	if id == "" {
		return badRequest("id is required: a new uuid for each message, the same one when retrying it")
	}
	if len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool {
		return !(c == '-' || c == '_' || c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)))
	}) {
		return badRequest("id: want a uuid (at most 64 letters, digits, - and _)")
	}
	return nil
}

// languageHint is the browser's most preferred language ("zh-CN"), for the
// engine to answer in; "" when it names none or the header is malformed
// (the engine then goes by what the owner writes).
func languageHint(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 || tags[0] == language.Und || tags[0].String() == "mul" {
		return ""
	}
	return tags[0].String()
}

// sniffImage is the image type of data by its content, never by what the
// browser claims; "" when it is not an image heed takes. HEIC and AVIF are
// taken too: phones shoot them, and net/http does not know them.
func sniffImage(data []byte) string {
	switch t := http.DetectContentType(data); t {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp":
		return t
	}
	if len(data) >= 12 && string(data[4:8]) == "ftyp" {
		switch brand := string(data[8:12]); {
		case slices.Contains([]string{"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"}, brand):
			return "image/heic"
		case brand == "avif" || brand == "avis":
			return "image/avif"
		}
	}
	return ""
}

// fileName keeps the base name the browser gave, without control
// characters, short; or makes one from the type.
func fileName(name, typ string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(c rune) rune {
		if unicode.IsControl(c) || c == '/' {
			return -1
		}
		return c
	}, name)
	if name == "" || name == "." || name == ".." {
		return "photo." + strings.TrimPrefix(typ, "image/")
	}
	return truncate(name, 120)
}

func decodeError(err error) error {
	var big *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &big):
		return tooLarge("the message is over %d KB", maxMessageBody>>10)
	case errors.Is(err, io.EOF):
		return badRequest("the body is empty: want JSON {\"id\": \"…\", \"text\": \"…\"}")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed JSON: %v", err)
	case errors.As(err, &typ):
		return badRequest("%s: want a %s", typ.Field, typ.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return badRequest("%s: want only id, text, button and after", strings.TrimPrefix(err.Error(), "json: "))
	default:
		return badRequest("malformed JSON: %v", err)
	}
}

func multipartError(err error) error {
	var big *http.MaxBytesError
	if errors.As(err, &big) {
		return tooLarge("the upload is over %d MB", cases.MaxFileBytes>>20)
	}
	return badRequest("malformed multipart body: %v", err)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // JSON, never HTML: the page inserts text with textContent
	body := []byte(`{"error":{"code":"internal","message":"could not encode the answer"}}` + "\n")
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
	} else {
		body = buf.Bytes()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away
}
