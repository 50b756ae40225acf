package wechatfake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// Account signs webhook requests as WeChat does for one Official Account.
type Account struct {
	AppID    string
	Token    string // the console's Token (HEED_WECHAT_TOKEN)
	AESKey   string // the console's EncodingAESKey, for safe mode
	Original string // the account's original id, gh_…
	Now      func() time.Time
}

func (a Account) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func nonce() string {
	var b [5]byte
	rand.Read(b[:])
	return strconv.FormatUint(uint64(b[0])<<32|uint64(b[1])<<24|uint64(b[2])<<16|uint64(b[3])<<8|uint64(b[4]), 10)
}

// signedQuery is timestamp, nonce and signature = sha1(sort(token, timestamp, nonce)).
func (a Account) signedQuery(at time.Time) url.Values {
	ts, n := strconv.FormatInt(at.Unix(), 10), nonce()
	return url.Values{"timestamp": {ts}, "nonce": {n}, "signature": {util.Signature(a.Token, ts, n)}}
}

// Handshake is the server verification GET WeChat makes when the URL is saved in the console.
func (a Account) Handshake(endpoint, echostr string) *http.Request {
	q := a.signedQuery(a.now())
	q.Set("echostr", echostr)
	r, _ := http.NewRequest(http.MethodGet, endpoint+"?"+q.Encode(), nil)
	return r
}

// Plain is a plaintext-mode (明文模式) post of the message XML.
func (a Account) Plain(endpoint, openID, xml string) *http.Request {
	return a.PlainAt(endpoint, openID, xml, a.now())
}

// PlainAt is Plain signed with timestamp at.
func (a Account) PlainAt(endpoint, openID, xml string, at time.Time) *http.Request {
	q := a.signedQuery(at)
	q.Set("openid", openID)
	r, _ := http.NewRequest(http.MethodPost, endpoint+"?"+q.Encode(), strings.NewReader(xml))
	r.Header.Set("Content-Type", "text/xml")
	return r
}

// Safe is a safe-mode (安全模式) post: the message AES-encrypted with the
// account's EncodingAESKey inside <Encrypt>, and msg_signature =
// sha1(sort(token, timestamp, nonce, Encrypt)) beside the plain signature.
func (a Account) Safe(endpoint, openID, xml string) *http.Request {
	return a.SafeWithKey(endpoint, openID, xml, a.AESKey)
}

// SafeWithKey is Safe encrypted with another key (a wrong one, in tests).
func (a Account) SafeWithKey(endpoint, openID, xml, aesKey string) *http.Request {
	var random [16]byte
	rand.Read(random[:])
	// WeChat's random is 16 printable characters.
	rnd := []byte(hex.EncodeToString(random[:])[:16])
	enc, err := util.EncryptMsg(rnd, []byte(xml), a.AppID, aesKey)
	if err != nil {
		panic(err)
	}
	q := a.signedQuery(a.now())
	q.Set("openid", openID)
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", util.Signature(a.Token, q.Get("timestamp"), q.Get("nonce"), string(enc)))
	body := fmt.Sprintf("<xml>\n    <ToUserName><![CDATA[%s]]></ToUserName>\n    <Encrypt><![CDATA[%s]]></Encrypt>\n</xml>", a.Original, enc)
	r, _ := http.NewRequest(http.MethodPost, endpoint+"?"+q.Encode(), strings.NewReader(body))
	r.Header.Set("Content-Type", "text/xml")
	return r
}

// Messages as WeChat posts them. to is the account's original id (gh_…),
// from the owner's OpenID, at the CreateTime (Unix seconds).

func head(to, from string, at int64, typ string) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName>\n<FromUserName><![CDATA[%s]]></FromUserName>\n<CreateTime>%d</CreateTime>\n<MsgType><![CDATA[%s]]></MsgType>\n",
		to, from, at, typ)
}

// Text is a text message.
func Text(to, from string, at, msgID int64, content string) string {
	return head(to, from, at, "text") + fmt.Sprintf("<Content><![CDATA[%s]]></Content>\n<MsgId>%d</MsgId>\n</xml>", content, msgID)
}

// MenuChoice is the text message a click on a msgmenu item sends.
func MenuChoice(to, from string, at, msgID int64, content string, itemID int64) string {
	return head(to, from, at, "text") + fmt.Sprintf("<Content><![CDATA[%s]]></Content>\n<MsgId>%d</MsgId>\n<bizmsgmenuid>%d</bizmsgmenuid>\n</xml>", content, msgID, itemID)
}

// Image is a photo.
func Image(to, from string, at, msgID int64, mediaID string) string {
	return head(to, from, at, "image") + fmt.Sprintf("<PicUrl><![CDATA[http://mmbiz.qpic.cn/%s]]></PicUrl>\n<MediaId><![CDATA[%s]]></MediaId>\n<MsgId>%d</MsgId>\n</xml>",
		mediaID, mediaID, msgID)
}

// Voice is a voice note; recognition is WeChat's transcript ("" when off).
func Voice(to, from string, at, msgID int64, mediaID, format, recognition string) string {
	s := head(to, from, at, "voice") + fmt.Sprintf("<MediaId><![CDATA[%s]]></MediaId>\n<Format><![CDATA[%s]]></Format>\n<MsgId>%d</MsgId>\n", mediaID, format, msgID)
	if recognition != "" {
		s += fmt.Sprintf("<Recognition><![CDATA[%s]]></Recognition>\n", recognition)
	}
	return s + "</xml>"
}

// Location is a place the owner shared.
func Location(to, from string, at, msgID int64, lat, lng float64, label string) string {
	return head(to, from, at, "location") + fmt.Sprintf("<Location_X>%f</Location_X>\n<Location_Y>%f</Location_Y>\n<Scale>15</Scale>\n<Label><![CDATA[%s]]></Label>\n<MsgId>%d</MsgId>\n</xml>",
		lat, lng, label, msgID)
}

// Event is an event push: subscribe, unsubscribe, CLICK (key: the button's), SCAN, VIEW…
func Event(to, from string, at int64, event, key string) string {
	s := head(to, from, at, "event") + fmt.Sprintf("<Event><![CDATA[%s]]></Event>\n", event)
	if key != "" {
		s += fmt.Sprintf("<EventKey><![CDATA[%s]]></EventKey>\n", key)
	}
	return s + "</xml>"
}
