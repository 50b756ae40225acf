package api

// Reading what a request carries: JSON bodies, paths and queries refused
// with a message that names what is wrong.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/heedhq/heed/cases"
)

// bad is a client's mistake in field, said in the field's words.
func bad(field, format string, args ...any) *cases.Error {
	return &cases.Error{Code: cases.CodeInvalid, Field: field, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// decode reads one JSON object into v, refusing unknown fields, trailing
// data and bodies over maxBody, with a message that says what is wrong.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var big *http.MaxBytesError
	switch {
	case err == nil:
	case errors.As(err, &big):
		return bad("body", "too large: at most %d bytes", maxBody)
	case errors.Is(err, io.EOF):
		return bad("body", "empty: a JSON object is required")
	case errors.As(err, &syn):
		return bad("body", "malformed JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ):
		return bad(jsonPath(typ.Field), "must be %s, not %s", typ.Type, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return bad(f, "unknown field")
	default:
		return bad("body", "malformed JSON: %v", err)
	}
	if dec.More() {
		return bad("body", "trailing data after the JSON object")
	}
	if f := nulField(reflect.ValueOf(v), ""); f != "" {
		return bad(f, "contains a NUL character (\\u0000)")
	}
	return nil
}

// cleanURL refuses a path or query that PostgreSQL could not store or
// compare: invalid UTF-8 or NUL characters.
func cleanURL(r *http.Request) error {
	ok := func(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
	if !ok(r.URL.Path) {
		return bad("path", "must be UTF-8 text without NUL characters")
	}
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			if !ok(k) || !ok(v) {
				return bad(strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "?"), "must be UTF-8 text without NUL characters")
			}
		}
	}
	return nil
}

// nulField is the JSON path of the first string in v holding a NUL
// character (which JSON allows as \u0000 and PostgreSQL text refuses), or "".
func nulField(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return nulField(v.Elem(), path)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			return jsonPath(path)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if f := nulField(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); f != "" {
				return f
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if f := nulField(it.Value(), path+"."+fmt.Sprint(it.Key())); f != "" {
				return f
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "" || sf.Anonymous {
				name = sf.Name // embedded: jsonPath drops Go names
			}
			if f := nulField(v.Field(i), path+"."+name); f != "" {
				return f
			}
		}
	}
	return ""
}

// jsonPath drops the Go names of embedded structs from a decoder's field
// path ("NewCase.complainants" → "complainants").
func jsonPath(p string) string {
	var keep []string
	for _, part := range strings.Split(p, ".") {
		if part != "" && (part[0] < 'A' || part[0] > 'Z') {
			keep = append(keep, part)
		}
	}
	if len(keep) == 0 {
		return "body"
	}
	return strings.Join(keep, ".")
}
