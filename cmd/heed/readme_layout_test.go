package main

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/heedhq/heed/cases/casestest"
)

// packagesOf is the folders of the module holding Go code that is not
// only tests, as go list ./... lists them.
func packagesOf(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			rel = filepath.ToSlash(rel)
			if len(out) == 0 || out[len(out)-1] != rel {
				out = append(out, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The README's Layout table names every package of the module (by its
// path, or in its parent's row by its last element, `wechatfake`), and
// every folder or file it names exists.
func TestReadmeLayoutNamesEveryPackage(t *testing.T) {
	root := casestest.Root(t)
	raw, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, layout, ok := strings.Cut(string(raw), "\n## Layout\n")
	if !ok {
		t.Fatal("README has no ## Layout")
	}
	layout, _, _ = strings.Cut(layout, "\n## ")
	rows := map[string]string{} // first column → the row
	for _, line := range strings.Split(layout, "\n") {
		if cells := strings.Split(line, "|"); len(cells) > 2 {
			rows[strings.Trim(strings.TrimSpace(cells[1]), "`")] = line
		}
	}
	pkgs := packagesOf(t, root)
	if len(pkgs) < 20 {
		t.Fatalf("found %d packages under %s", len(pkgs), root)
	}
	for _, pkg := range pkgs {
		top, _, _ := strings.Cut(pkg, "/")
		row, ok := rows[pkg]
		if !ok {
			row, ok = rows[top]
		}
		if !ok || !strings.Contains(row, "`"+pkg+"`") && !strings.Contains(row, "`"+filepath.Base(pkg)+"`") && rows[pkg] == "" {
			t.Errorf("README Layout does not name package %s", pkg)
		}
	}
	path := regexp.MustCompile("`((?:bench|bots|cases|cmd|config|conversation|docs|notify|scripts|examples)/[^` ]*)`")
	for _, m := range path.FindAllStringSubmatch(layout, -1) {
		p := strings.TrimSuffix(m[1], "/")
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("README Layout names %s, which is not in the repository", m[1])
		}
	}
}

// packageDirs is where the packages docs/procedure.md names by their
// last element live.
var packageDirs = map[string]string{
	"cases": "cases", "config": "config", "conversation": "conversation", "notify": "notify",
	"desk": "notify/desk", "report": "cases/report", "locks": "cases/locks", "sqlset": "cases/sqlset",
	"api": "bots/api", "console": "bots/console", "telegram": "bots/telegram", "slack": "bots/slack",
	"wechat": "bots/wechat", "web": "bots/web", "understand": "conversation/understand",
}

// declared is what a package declares: functions, types, variables,
// constants, and methods as Type.Method.
func declared(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(gotoken.NewFileSet(), f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					out[d.Name.Name] = true
					continue
				}
				typ := d.Recv.List[0].Type
				for {
					switch x := typ.(type) {
					case *ast.StarExpr:
						typ = x.X
						continue
					case *ast.IndexExpr:
						typ = x.X
						continue
					}
					break
				}
				if id, ok := typ.(*ast.Ident); ok {
					out[id.Name+"."+d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						out[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							out[n.Name] = true
						}
					}
				}
			}
		}
	}
	return out
}

// A newcomer goes from a rule of docs/procedure.md to the code in one hop:
// every function, method or type it names (`cases.Service.CreateTx`,
// `desk.Desk.PostBulletin`) is declared where it says, and every file it
// gives (cases/create.go) exists.
func TestReadmeProcedureNamesCodeThatExists(t *testing.T) {
	root := casestest.Root(t)
	raw, err := os.ReadFile(filepath.Join(root, "docs", "procedure.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	decls := map[string]map[string]bool{}
	named := 0
	ref := regexp.MustCompile("`([a-z]+)\\.([A-Za-z][A-Za-z0-9]*(?:\\.[A-Za-z][A-Za-z0-9]*)?)`")
	for _, m := range ref.FindAllStringSubmatch(doc, -1) {
		dir, ok := packageDirs[m[1]]
		if !ok {
			continue // a setting (`clock.reply`), not a package
		}
		if decls[dir] == nil {
			decls[dir] = declared(t, filepath.Join(root, dir))
		}
		named++
		if !decls[dir][m[2]] {
			t.Errorf("docs/procedure.md names %s.%s, which package %s does not declare", m[1], m[2], dir)
		}
	}
	if named < 50 {
		t.Errorf("docs/procedure.md names only %d functions: is the pattern still right?", named)
	}
	file := regexp.MustCompile(`\b((?:bench|bots|cases|cmd|config|conversation|notify)/[a-z_/]+\.(?:go|sql))\b`)
	for _, m := range file.FindAllStringSubmatch(doc, -1) {
		if _, err := os.Stat(filepath.Join(root, m[1])); err != nil {
			t.Errorf("docs/procedure.md names %s, which is not in the repository", m[1])
		}
	}
}
