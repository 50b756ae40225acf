package sqlset

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// owners is who owns each table: the one package (a folder of the
// repository) whose SQL may name it. Every other package calls the
// owner's functions. A new table gets its owner here, or
// TestEveryTableHasOneOwner fails.
var owners = map[string]string{
	// The complaint record (cases/queries.sql).
	"cases":            "cases",
	"case_events":      "cases",
	"case_deadlines":   "cases",
	"case_attachments": "cases",
	"case_links":       "cases",
	"files":            "cases",
	"serial_counters":  "cases",
	"heed_settings":    "cases",
	// The conversation with owners (conversation/queries.sql).
	"conversations":             "conversation",
	"inbound_messages":          "conversation",
	"transcript":                "conversation",
	"owner_profiles":            "conversation",
	"owner_messages":            "conversation",
	"understanding_corrections": "conversation",
	"revisits":                  "conversation",
	"survey_runs":               "conversation",
	"survey_recipients":         "conversation",
	"survey_answers":            "conversation",
	// Delivery (notify/queries.sql).
	"outbox":         "notify",
	"outbox_workers": "notify",
	"cards":          "notify",
	// What staff do (notify/desk/queries.sql).
	"staff_actions":    "notify/desk",
	"bulletins":        "notify/desk",
	"bulletin_targets": "notify/desk",
	// The surfaces' own tables.
	"api_tokens":           "bots/api",
	"desk_sessions":        "bots/console",
	"desk_templates":       "notify/desk",
	"desk_signin_links":    "bots/console",
	"desk_signin_requests": "bots/console",
	"web_chat_uploads":     "bots/web",
	"wechat_cache":         "bots/wechat",
	"wechat_followers":     "bots/wechat",
}

// readers may read tables they do not own, each for a reason.
var readers = map[string]struct {
	tables []string
	why    string
}{
	// The report is the record's analysis, a sub-package of cases only
	// for its size: it reads the record (read-only, in one snapshot) and
	// gets the rest through report.Facts.
	"cases/report": {[]string{"cases", "case_deadlines"}, "the analysis of the record, read-only"},
	// The benchmarks' baselines: pgbench replays by hand the statements of
	// an owner's message and of a delivery, to compare heed with the
	// database alone. They copy conversation's and notify's SQL by design;
	// the benchmarks seed and count through the owners' functions.
	"bench/benchdb/pgbench.go": {[]string{"inbound_messages", "conversations", "owner_profiles", "transcript", "outbox"}, "pgbench's baselines"},
}

var tableName = regexp.MustCompile(`^[a-z_]+$`)

// TestEveryTableHasOneOwner: every table the migrations create has an
// owner above, and every owner above is a table.
func TestEveryTableHasOneOwner(t *testing.T) {
	root := repoRoot(t)
	created := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(root, "cases", "migrations", "*.sql"))
	create := regexp.MustCompile(`CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range create.FindAllStringSubmatch(string(b), -1) {
			created[m[1]] = true
		}
	}
	if len(created) < 10 {
		t.Fatalf("found %d tables in cases/migrations: is the repository where the test thinks?", len(created))
	}
	for table := range created {
		if _, ok := owners[table]; !ok {
			t.Errorf("table %s (cases/migrations) has no owner: add it to owners in cases/sqlset/owners_test.go", table)
		}
	}
	for table, pkg := range owners {
		if !created[table] || !tableName.MatchString(table) {
			t.Errorf("owners names %s (of %s), which no migration creates", table, pkg)
		}
		if _, err := os.Stat(filepath.Join(root, pkg)); err != nil {
			t.Errorf("owner of %s: no package %s", table, pkg)
		}
	}
}

// TestNoPackageNamesAnotherPackagesTable reads the SQL of every package —
// its queries.sql and the string literals of its Go files that are not
// tests — and fails where it names a table another package owns. Test
// files may seed any table; migrations create them all.
func TestNoPackageNamesAnotherPackagesTable(t *testing.T) {
	root := repoRoot(t)
	var problems []string
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "cases/migrations" || strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		var sqls []string
		switch {
		case strings.HasSuffix(path, ".sql"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sqls = []string{withoutComments(string(b))}
		case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
			if sqls, err = goStrings(path); err != nil {
				return err
			}
		default:
			return nil
		}
		checked++
		pkg := filepath.ToSlash(filepath.Dir(rel))
		for _, s := range sqls {
			for _, table := range namedTables(s) {
				owner, ok := owners[table]
				if !ok || owner == pkg {
					continue
				}
				if r, ok := readers[pkg]; ok && slices.Contains(r.tables, table) {
					continue
				}
				if r, ok := readers[rel]; ok && slices.Contains(r.tables, table) {
					continue
				}
				problems = append(problems, rel+": names "+table+", which is "+owner+"'s")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked %d files: is the repository where the test thinks?", checked)
	}
	sort.Strings(problems)
	for _, p := range slices.Compact(problems) {
		t.Error(p)
	}
}

// The ways a statement names a table: after FROM, JOIN, INTO, UPDATE,
// TABLE (and ONLY), or a second one in a FROM list. heed writes SQL's
// keywords in capitals, which keeps prose ("from the cases") out.
var (
	tableAfter = regexp.MustCompile(`\b(?:FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE)\s+(?:ONLY\s+)?([a-z_][a-z0-9_]*)`)
	listed     = regexp.MustCompile(`\bFROM\s+[a-z_][a-z0-9_]*(?:\s+(?:AS\s+)?[a-z]+)?((?:\s*,\s*[a-z_][a-z0-9_]*(?:\s+(?:AS\s+)?[a-z]+)?)+)`)
	sqlWord    = regexp.MustCompile(`\b(?:SELECT|INSERT|UPDATE|DELETE|TRUNCATE|LOCK)\b`)
)

// namedTables is the known tables a piece of SQL names.
func namedTables(sql string) []string {
	if !sqlWord.MatchString(sql) {
		return nil
	}
	var out []string
	for _, m := range tableAfter.FindAllStringSubmatch(sql, -1) {
		out = append(out, m[1])
	}
	for _, m := range listed.FindAllStringSubmatch(sql, -1) {
		for _, item := range strings.Split(m[1], ",") {
			if f := strings.Fields(item); len(f) > 0 {
				out = append(out, f[0])
			}
		}
	}
	return out
}

func TestNamedTables(t *testing.T) {
	for sql, want := range map[string]string{
		"SELECT s AS key FROM cases, unnest(signals) s":                             "cases unnest",
		"SELECT 1 FROM cases c JOIN case_deadlines d ON d.case_id = c.id":           "cases case_deadlines",
		"WITH x AS (UPDATE outbox SET a = 1) INSERT INTO transcript (a) VALUES (1)": "outbox transcript",
		"SELECT 1 FROM revisits r, owner_messages m":                                "revisits owner_messages",
		"the cases from cases": "",
	} {
		if got := strings.Join(namedTables(sql), " "); got != want {
			t.Errorf("namedTables(%q) = %q, want %q", sql, got, want)
		}
	}
}

// withoutComments drops SQL's comment lines: they may name any table.
func withoutComments(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// goStrings is the string constants of a Go file: its literals, and each
// concatenation of literals and other parts as one (a statement built as
// `SELECT ` + col + ` FROM cases`).
func goStrings(path string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.ADD {
				out = append(out, joined(n))
			}
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil {
					out = append(out, s)
				}
			}
		}
		return true
	})
	return out, nil
}

// joined is a sum's literals with a space for each part that is not one.
func joined(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return joined(e.X) + joined(e.Y)
		}
	case *ast.BasicLit:
		if s, err := strconv.Unquote(e.Value); err == nil && e.Kind == token.STRING {
			return s
		}
	case *ast.ParenExpr:
		return joined(e.X)
	}
	return " x "
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod two folders up from cases/sqlset: %v", err)
	}
	return dir
}
