// Package sqlset gives a package its fixed SQL statements from its own
// queries.sql, checked when the package is constructed.
//
// A package keeps its statements in queries.sql as named blocks:
//
//	-- name: next-serial
//	-- comments inside a block are dropped
//	INSERT INTO serial_counters ...;
//
// and declares the ones it uses as the string fields of a struct, tagged
// with the block's name:
//
//	//go:embed queries.sql
//	var queriesSQL string
//
//	var q struct {
//		NextSerial string `sql:"next-serial"`
//	}
//
//	var loadQueries = sync.OnceValue(func() error { return sqlset.Load(&q, "cases", queriesSQL) })
//
// Its constructor returns loadQueries()'s error, so a misspelt or missing
// block (or a block nothing uses) stops heed at start, and in every test
// that constructs the package, instead of failing when the query is first
// run. A misspelt field is a compile error.
//
// A package whose statements are declared by several structs (one per file
// of functions other packages call) fills them together with LoadAll, so a
// block one of them uses is not "used by nothing" for the others.
package sqlset

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Parse splits src into its named blocks ("-- name: x"); comment lines are
// dropped and each statement is trimmed.
func Parse(src string) map[string]string {
	out := map[string]string{}
	name := ""
	var b strings.Builder
	flush := func() {
		if name != "" {
			out[name] = strings.TrimSpace(b.String())
		}
		b.Reset()
	}
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if n, ok := strings.CutPrefix(trimmed, "-- name:"); ok {
			flush()
			name = strings.TrimSpace(n)
			continue
		}
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	flush()
	return out
}

// Load fills every string field of the struct dst points to with the block
// of src its `sql` tag names. It fails, naming pkg and the blocks, when a
// tagged block is missing or empty, a block is used by no field, or a name
// is given twice in src.
func Load(dst any, pkg, src string) error { return LoadAll(pkg, src, dst) }

// LoadAll is Load for several structs filled from one src: each is filled
// as Load fills one, and a block is unused only when no struct names it.
func LoadAll(pkg, src string, dsts ...any) error {
	blocks := Parse(src)
	if dup := duplicates(src); len(dup) > 0 {
		return fmt.Errorf("%s queries.sql: block named twice: %s", pkg, strings.Join(dup, ", "))
	}
	used := map[string]bool{}
	var missing []string
	for _, dst := range dsts {
		v := reflect.ValueOf(dst)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			return fmt.Errorf("%s queries: Load needs a pointer to a struct, not %T", pkg, dst)
		}
		s := v.Elem()
		for i := range s.NumField() {
			f := s.Type().Field(i)
			name, ok := f.Tag.Lookup("sql")
			if !ok || f.Type.Kind() != reflect.String {
				return fmt.Errorf("%s queries: field %s needs a string type and an sql tag", pkg, f.Name)
			}
			stmt := blocks[name]
			if stmt == "" {
				if !slices.Contains(missing, name) {
					missing = append(missing, name)
				}
				continue
			}
			used[name] = true
			s.Field(i).SetString(stmt)
		}
	}
	var unused []string
	for name := range blocks {
		if !used[name] {
			unused = append(unused, name)
		}
	}
	slices.Sort(unused)
	switch {
	case len(missing) > 0:
		return fmt.Errorf("%s queries.sql: no statement named %s", pkg, strings.Join(missing, ", "))
	case len(unused) > 0:
		return fmt.Errorf("%s queries.sql: statement %s is used by nothing (remove it, or declare it)", pkg, strings.Join(unused, ", "))
	}
	return nil
}

func duplicates(src string) []string {
	seen := map[string]bool{}
	var dup []string
	for _, line := range strings.Split(src, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			n = strings.TrimSpace(n)
			if seen[n] && !slices.Contains(dup, n) {
				dup = append(dup, n)
			}
			seen[n] = true
		}
	}
	return dup
}
