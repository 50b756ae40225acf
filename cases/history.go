package cases

import (
	"encoding/json"
	"reflect"
	"time"
)

// untracked columns change on every write or are keys: they are not history.
var untracked = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true, "-": true}

// diff lists the record fields that differ between two versions of a case,
// by column name, with their new values; times in loc, the company's zone,
// as everywhere in the API. Every event carries it, so a case's current
// state can be rebuilt from its history (see Replay).
func diff(before, after *Case, loc *time.Location) map[string]any {
	out := map[string]any{}
	bv, av := reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem()
	ty := av.Type()
	for i := 0; i < ty.NumField(); i++ {
		col := ty.Field(i).Tag.Get("db")
		if col == "" || untracked[col] {
			continue
		}
		b, a := bv.Field(i).Interface(), av.Field(i).Interface()
		if !reflect.DeepEqual(normal(b), normal(a)) {
			out[col] = inZone(normal(a), loc)
		}
	}
	return out
}

// inZone shows a time normal made (UTC) in loc.
func inZone(v any, loc *time.Location) any {
	s, ok := v.(string)
	if !ok || loc == nil {
		return v
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil && t.Location() == time.UTC && len(s) >= len("2006-01-02T15:04:05Z") {
		return t.In(loc).Format(time.RFC3339Nano)
	}
	return v
}

// normal makes values comparable and JSON-stable: nil pointers stay nil,
// pointers are dereferenced, times are UTC to the microsecond (what
// PostgreSQL keeps), empty lists are empty.
func normal(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return x.UTC().Round(time.Microsecond).Format(time.RFC3339Nano)
	case *time.Time:
		if x == nil {
			return nil
		}
		return normal(*x)
	case *bool:
		if x == nil {
			return nil
		}
		return *x
	case *int:
		if x == nil {
			return nil
		}
		return *x
	case []string:
		if len(x) == 0 {
			return []string{}
		}
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.String {
		out := make([]string, rv.Len())
		for i := range out {
			out[i] = rv.Index(i).String()
		}
		return out
	}
	if rv.Kind() == reflect.String {
		return rv.String()
	}
	return v
}

// Replay rebuilds the record's fields from its events: the value each
// column was last set to. A case whose Replay differs from its row has a hole
// in its history.
func Replay(events []Event) (map[string]any, error) {
	state := map[string]any{}
	for _, e := range events {
		if len(e.Changes) == 0 {
			continue
		}
		var ch map[string]any
		if err := json.Unmarshal(e.Changes, &ch); err != nil {
			return nil, err
		}
		for k, v := range ch {
			state[k] = v
		}
	}
	for k, v := range state {
		if isZero(v) {
			delete(state, k)
		}
	}
	return state, nil
}

// Snapshot is the record's current fields in the same form Replay gives.
func Snapshot(c *Case) (map[string]any, error) {
	b, err := json.Marshal(diff(&Case{}, c, c.ReceivedAt.Location()))
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	for k, v := range out {
		if isZero(v) {
			delete(out, k)
		}
	}
	return out, nil
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case float64:
		return x == 0
	case []any:
		return len(x) == 0
	}
	return false
}
