package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// WeChat's errcodes heed acts on.
const (
	errInvalidCredential = 40001 // access token invalid or not the latest
	errInvalidToken      = 40014 // access token malformed
	errTokenExpired      = 42001
	errInvalidOpenID     = 40003
	errInvalidMedia      = 40007
	errInvalidTemplate   = 40037
	errRequireSubscribe  = 43004 // the owner does not follow the account
	errBlocked           = 43019 // the owner is in the account's blacklist
	errDailyQuota        = 45009
	errMinuteQuota       = 45011
	errOutOfWindow       = 45015 // customer-service window (48 h) closed
	errOutOfCount        = 45047 // too many customer-service messages without an answer
	errUnauthorized      = 48001 // the account lacks this API
	errSystemBusy        = -1
	errInvalidAppID      = 40013
	errInvalidSecret     = 40125
	errNotWhitelisted    = 40164 // this server's IP is not in the account's IP whitelist
	errSecretFrozen      = 40243
)

// APIError is WeChat's answer {"errcode": N, "errmsg": "…"}. Its text never
// holds the access token or the app secret.
type APIError struct {
	API  string
	Code int64
	Msg  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wechat %s: errcode %d: %s", e.API, e.Code, scrub(e.Msg))
}

// errCode is the WeChat errcode of err, 0 when it is not an APIError.
func errCode(err error) int64 {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// secretsInText are query parameters that must never reach a log or the
// outbox's last_error: the SDK's HTTP errors quote the whole URL.
var secretsInText = regexp.MustCompile(`((?:access_token|secret|appsecret)=)[^&\s"']+`)

func scrub(s string) string { return secretsInText.ReplaceAllString(s, "${1}REDACTED") }

// redactedError is an error whose text had secrets removed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redact(err error) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return err
	}
	return &redactedError{msg: scrub(err.Error()), err: err}
}

// apiTimeout bounds one API call.
const apiTimeout = 15 * time.Second

// call makes one API call with the shared access token: POST JSON when body
// is not nil, else GET. A 40001/42001 (another process fetched a newer token,
// or it expired early) drops the token and tries once more with a fresh one.
// The JSON answer is decoded into out, if given; raw is the answer's bytes
// (media/get answers a file).
func (b *Bot) call(ctx context.Context, api string, query url.Values, body any, out any) (raw []byte, err error) {
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		token, err := b.tokens.GetAccessTokenContext(ctx)
		if err != nil {
			return nil, err
		}
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("access_token", token)
		uri := wechatHost + "/cgi-bin/" + api + "?" + q.Encode()
		if body != nil {
			raw, err = util.PostJSONContext(ctx, uri, body)
		} else {
			raw, err = util.HTTPGetContext(ctx, uri)
		}
		if err != nil {
			return nil, redact(fmt.Errorf("wechat %s: %w", api, err))
		}
		err = decodeAnswer(api, raw, out)
		if code := errCode(err); attempt == 0 && (code == errInvalidCredential || code == errTokenExpired || code == errInvalidToken) {
			if derr := b.tokens.invalidate(ctx, token); derr != nil {
				return nil, derr
			}
			continue
		}
		return raw, err
	}
}

// decodeAnswer reads WeChat's JSON answer: an errcode other than 0 is an
// APIError. A body that is not JSON (a downloaded file) is no error.
func decodeAnswer(api string, raw []byte, out any) error {
	var ce util.CommonError
	if err := json.Unmarshal(raw, &ce); err != nil {
		if out != nil {
			return fmt.Errorf("wechat %s: answer is not JSON", api)
		}
		return nil
	}
	if ce.ErrCode != 0 {
		return &APIError{API: api, Code: ce.ErrCode, Msg: ce.ErrMsg}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("wechat %s: %w", api, err)
		}
	}
	return nil
}
