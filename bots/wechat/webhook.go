package wechat

import (
	"context"
	"crypto/subtle"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

// maxBody bounds a webhook body: WeChat's messages are at most a few KB,
// encrypted ones a third larger.
const maxBody = 64 << 10

// freshness is how far a request's timestamp may be from our clock. The
// SDK checks the signature only, so a captured request would verify for
// ever.
const freshness = 5 * time.Minute

// Menu keys (PublishMenu) and the text each click stands for: commands the
// engine knows at any step.
var menuCommands = map[string]string{
	MenuComplaint: "帮助", // how to complain: describe the problem
	MenuStatus:    "查询",
	MenuHuman:     "人工",
}

// verify checks the query signature sha1(sort(token, timestamp, nonce))
// and the timestamp's freshness. On failure it has answered.
func (b *Bot) verify(w http.ResponseWriter, q url.Values) bool {
	ts, nonce, sig := q.Get("timestamp"), q.Get("nonce"), q.Get("signature")
	if !equal(sig, util.Signature(b.token, ts, nonce)) {
		http.Error(w, "wrong or missing signature", http.StatusUnauthorized)
		return false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		http.Error(w, "timestamp is not a number", http.StatusUnauthorized)
		return false
	}
	if d := b.now().Sub(time.Unix(sec, 0)); d > freshness || d < -freshness {
		http.Error(w, "timestamp more than 5 minutes off: stale or replayed request", http.StatusUnauthorized)
		return false
	}
	return true
}

func equal(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// handshake is WeChat's server verification (服务器配置): echo echostr back
// when the signature holds. The same in every mode.
func (b *Bot) handshake(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !b.verify(w, q) {
		return
	}
	echo := q.Get("echostr")
	if echo == "" {
		http.Error(w, "echostr missing", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, echo) //nolint:errcheck
}

// receive is a message or event. Nothing is stored or handed on before the
// request is verified and decoded.
func (b *Bot) receive(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !b.verify(w, q) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body larger than 64 KB", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "could not read the request body", http.StatusBadRequest)
		}
		return
	}
	encrypted := q.Get("encrypt_type") == "aes"
	switch {
	case encrypted && b.mode == config.WeChatPlaintext:
		http.Error(w, "encrypted message, but heed is configured for plaintext mode (wechat.mode)", http.StatusBadRequest)
		return
	case !encrypted && b.mode == config.WeChatSafe:
		http.Error(w, "plaintext message, but heed is configured for safe mode: encrypt_type=aes required", http.StatusBadRequest)
		return
	}
	raw := body
	if encrypted {
		var env message.EncryptedXMLMsg
		if err := xml.Unmarshal(body, &env); err != nil || env.EncryptedMsg == "" {
			http.Error(w, "malformed message: XML with Encrypt expected", http.StatusBadRequest)
			return
		}
		if !equal(q.Get("msg_signature"), util.Signature(b.token, q.Get("timestamp"), q.Get("nonce"), env.EncryptedMsg)) {
			http.Error(w, "wrong or missing msg_signature", http.StatusUnauthorized)
			return
		}
		// DecryptMsg also checks that the message is for our AppID.
		if _, raw, err = util.DecryptMsg(b.appID, env.EncryptedMsg, b.aesKey); err != nil {
			http.Error(w, "message cannot be decrypted with the configured EncodingAESKey", http.StatusBadRequest)
			return
		}
	}
	var m message.MixMessage
	if err := xml.Unmarshal(raw, &m); err != nil || m.FromUserName == "" || m.MsgType == "" {
		http.Error(w, "malformed message: WeChat XML with FromUserName and MsgType expected", http.StatusBadRequest)
		return
	}
	if b.eng == nil || b.files == nil {
		http.Error(w, "heed is not receiving WeChat messages", http.StatusServiceUnavailable)
		return
	}
	if err := b.handle(r.Context(), &m); err != nil {
		// No "success": WeChat posts again, and the dedupe key makes that harmless.
		b.log.Error("wechat message", "type", m.MsgType, "event", m.Event, "msg_id", m.MsgID, "err", err)
		http.Error(w, "could not record the message; retry", http.StatusInternalServerError)
		return
	}
	// Committed: "success" tells WeChat not to retry and to show the owner
	// nothing (no passive reply: the answers go through the outbox).
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "success") //nolint:errcheck
}

// handle records the interaction and hands the message to the engine.
func (b *Bot) handle(ctx context.Context, m *message.MixMessage) error {
	openID := string(m.FromUserName)
	if m.MsgType == message.MsgTypeEvent {
		switch m.Event {
		case message.EventUnsubscribe:
			return b.unsubscribed(ctx, openID)
		case message.EventSubscribe, message.EventClick:
		case message.EventScan, message.EventView:
			// The owner acted (a QR code, a menu link): the window opens, nothing to answer.
			return b.interacted(ctx, openID, false)
		default:
			// Location reports, template and mass-send receipts…: not the owner talking.
			return nil
		}
	}
	if err := b.interacted(ctx, openID, m.Event == message.EventSubscribe); err != nil {
		return err
	}
	in, ok := b.inbound(ctx, m)
	if !ok {
		return nil
	}
	res, err := b.eng.Handle(ctx, in)
	if err != nil {
		return err
	}
	if res.Duplicate {
		b.log.Debug("wechat duplicate message", "msg_id", in.MessageID)
	}
	return nil
}

// messageID is the dedupe key of a WeChat message: its MsgId; an event has
// none, and is known by who sent it when (and which event it is).
func messageID(m *message.MixMessage) string {
	if m.MsgType != message.MsgTypeEvent && m.MsgID != 0 {
		return strconv.FormatInt(m.MsgID, 10)
	}
	return "event:" + string(m.FromUserName) + ":" + strconv.FormatInt(m.CreateTime, 10) + ":" + string(m.Event)
}

// inbound translates a message into the engine's terms.
func (b *Bot) inbound(ctx context.Context, m *message.MixMessage) (conversation.Inbound, bool) {
	openID := string(m.FromUserName)
	in := conversation.Inbound{Channel: cases.ChannelWeChat, ChatID: openID, UserID: openID,
		MessageID: messageID(m), Kind: conversation.KindText, At: b.now()}
	switch m.MsgType {
	case message.MsgTypeText:
		in.Text = m.Content
		// A click on a msgmenu choice arrives as its text, with the item id
		// (the choice's number) beside it.
		if m.BizMsgMenuID > 0 && m.BizMsgMenuID < 100 {
			in.Text = strconv.FormatInt(m.BizMsgMenuID, 10)
		}
	case message.MsgTypeImage:
		in.Kind = conversation.KindPhoto
		in.Attachments = []cases.Attachment{b.download(ctx, m.MediaID, "photo.jpg", "", "photo")}
	case message.MsgTypeVoice:
		format := strings.ToLower(m.Format)
		if format == "" {
			format = "amr"
		}
		a := b.download(ctx, m.MediaID, "voice."+format, "audio/"+format, "voice")
		in.Attachments = []cases.Attachment{a}
		if t := strings.TrimSpace(m.Recognition); t != "" {
			// What WeChat heard (语音识别) is read like typed text: a command
			// or an answer works spoken, too.
			in.Text = t
		} else {
			in.Kind = conversation.KindPhoto // an attachment with no words
		}
	case message.MsgTypeLocation:
		// A place, not words of a complaint: its name lets the engine
		// recognise the community when it asks for one.
		in.Kind, in.Text = conversation.KindLocation, strings.TrimSpace(m.Label)
	case message.MsgTypeEvent:
		switch m.Event {
		case message.EventSubscribe:
			in.Text = "你好" // the engine answers with its welcome
		case message.EventClick:
			cmd, ok := menuCommands[m.EventKey]
			if !ok {
				return in, false
			}
			in.Text = cmd
		default:
			return in, false
		}
	default: // video, shortvideo, link, miniprogram page…
		in.Kind = conversation.KindOther
	}
	return in, true
}

// mediaTimeout bounds a download in the webhook: WeChat waits 5 s in all.
const mediaTimeout = 3 * time.Second

// download fetches an owner's photo or voice note through media/get and
// keeps it. When WeChat cannot give it now, the case keeps the media id
// (temporary media lives 3 days).
func (b *Bot) download(ctx context.Context, mediaID, name, mime, kind string) cases.Attachment {
	fallback := cases.Attachment{Kind: kind, Ref: "wechat-media:" + mediaID, Name: name, MIME: mime}
	if mediaID == "" {
		return fallback
	}
	ctx, cancel := context.WithTimeout(ctx, mediaTimeout)
	defer cancel()
	data, err := b.call(ctx, "media/get", url.Values{"media_id": {mediaID}}, nil, nil)
	if err != nil {
		b.log.Warn("wechat media/get", "kind", kind, "err", err)
		return fallback
	}
	if len(data) == 0 || len(data) > cases.MaxFileBytes {
		b.log.Warn("wechat media/get", "kind", kind, "bytes", len(data))
		return fallback
	}
	a, err := b.files.SaveFile(ctx, name, mime, data)
	if err != nil {
		b.log.Warn("wechat file save", "kind", kind, "err", err)
		return fallback
	}
	return a
}
