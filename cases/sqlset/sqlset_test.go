package sqlset

import (
	"strings"
	"testing"
)

const src = `-- name: one
-- a comment dropped
SELECT 1;

-- name: two
SELECT 2
FROM t;
`

func TestLoadFillsFields(t *testing.T) {
	var q struct {
		One string `sql:"one"`
		Two string `sql:"two"`
	}
	if err := Load(&q, "x", src); err != nil {
		t.Fatal(err)
	}
	if q.One != "SELECT 1;" || q.Two != "SELECT 2\nFROM t;" {
		t.Fatalf("got %q %q", q.One, q.Two)
	}
}

func TestLoadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		dst             any
	}{
		{"missing", src, "no statement named three", &struct {
			One   string `sql:"one"`
			Two   string `sql:"two"`
			Three string `sql:"three"`
		}{}},
		{"unused", src, "statement two is used by nothing", &struct {
			One string `sql:"one"`
		}{}},
		{"twice", src + "-- name: one\nSELECT 3;\n", "named twice: one", &struct {
			One string `sql:"one"`
			Two string `sql:"two"`
		}{}},
		{"untagged", src, "needs a string type and an sql tag", &struct{ One string }{}},
		{"not a pointer", src, "pointer to a struct", struct{}{}},
	} {
		err := Load(tc.dst, "x", tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestLoadAllSharesOneFile(t *testing.T) {
	var core struct {
		One string `sql:"one"`
	}
	var more struct {
		Two string `sql:"two"`
	}
	if err := LoadAll("x", src, &core, &more); err != nil {
		t.Fatal(err)
	}
	if core.One != "SELECT 1;" || more.Two != "SELECT 2\nFROM t;" {
		t.Fatalf("got %q %q", core.One, more.Two)
	}
	var typo struct {
		Three string `sql:"three"`
	}
	err := LoadAll("x", src, &core, &more, &typo)
	if err == nil || !strings.Contains(err.Error(), "no statement named three") {
		t.Fatalf("a block missing for the last struct: err = %v", err)
	}
	err = LoadAll("x", src, &core)
	if err == nil || !strings.Contains(err.Error(), "statement two is used by nothing") {
		t.Fatalf("a block no struct names: err = %v", err)
	}
}
