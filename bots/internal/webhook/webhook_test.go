package webhook

import (
	"encoding/json"
	"net/url"
	"testing"
)

func TestWithoutNUL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"text":"a\u0000b"}`, "a\uFFFDb"},
		{`{"text":"\u0000\u0000"}`, "\uFFFD\uFFFD"},
		{`{"text":"a\\u0000b"}`, `a\u0000b`},                   // an escaped backslash, then the letters
		{`{"text":"a\\\u0000b"}`, "a\\\uFFFDb"},                // an escaped backslash, then a NUL
		{`{"text":"no nul at all \u4e2d"}`, "no nul at all 中"}, // other escapes untouched
	} {
		var v struct{ Text string }
		if err := json.Unmarshal(WithoutNUL([]byte(c.in)), &v); err != nil || v.Text != c.want {
			t.Errorf("%s: %q %v, want %q", c.in, v.Text, err, c.want)
		}
	}
}

func TestFormWithoutNUL(t *testing.T) {
	body := url.Values{"text": {"漏水\x00了"}, "payload": {`{"value":"x\u0000"}`}}.Encode()
	got, err := url.ParseQuery(string(FormWithoutNUL([]byte(body))))
	if err != nil {
		t.Fatal(err)
	}
	if got.Get("text") != "漏水\uFFFD了" || got.Get("payload") != `{"value":"x\ufffd"}` {
		t.Fatalf("form %v", got)
	}
	if plain := "text=%E6%BC%8F%E6%B0%B4"; string(FormWithoutNUL([]byte(plain))) != plain {
		t.Fatal("a form without NUL was changed")
	}
}
