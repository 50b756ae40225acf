package main

import (
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/lib/pq" // the PostgreSQL driver
)

// postgres is the server the harness runs on. restart is nil when the
// harness does not control it (a server given by URL).
type postgres struct {
	url     string // database "postgres" on it
	restart func() (time.Duration, error)
	// down stops the server (-m fast), waits d and starts it again.
	down func(d time.Duration) error
	stop func()
	made []string // databases made on a given server, dropped by stop
}

// ownCluster makes a throwaway cluster in a temporary directory on a free
// loopback port, as scripts/pg does: initdb and postgres refuse to run as
// root, so as root they run as the system user "postgres". It keeps
// PostgreSQL's durable defaults (fsync, synchronous_commit).
func ownCluster() (*postgres, error) {
	bin, err := pgBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "heed-faults-pg-")
	if err != nil {
		return nil, err
	}
	as := func(args ...string) *exec.Cmd { return exec.Command(args[0], args[1:]...) }
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root and there is no user postgres to run the cluster: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		as = func(args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...)
		}
	}
	data, logfile := filepath.Join(dir, "data"), filepath.Join(dir, "server.log")
	if out, err := as(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories='%s' -c max_connections=100", port, dir)
	pgctl := func(args ...string) error {
		out, err := as(append([]string{filepath.Join(bin, "pg_ctl"), "-D", data, "-l", logfile, "-w", "-t", "60", "-s"}, args...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pg_ctl %v: %v\n%s", args, err, out)
		}
		return nil
	}
	if err := pgctl("-o", opts, "start"); err != nil {
		return nil, err
	}
	p := &postgres{url: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)}
	// restart is what an operator does: pg_ctl restart -m fast; it returns
	// how long the server was away.
	p.restart = func() (time.Duration, error) {
		t0 := time.Now()
		err := pgctl("-m", "fast", "restart")
		return time.Since(t0), err
	}
	p.down = func(d time.Duration) error {
		if err := pgctl("-m", "fast", "stop"); err != nil {
			return err
		}
		time.Sleep(d)
		return pgctl("-o", opts, "start")
	}
	p.stop = func() {
		pgctl("-m", "immediate", "stop") //nolint:errcheck
		os.RemoveAll(dir)
	}
	return p, nil
}

// givenServer is a server named by TEST_DATABASE_URL: the harness makes its
// own databases on it but cannot restart it.
func givenServer(u string) *postgres {
	p := &postgres{url: u}
	p.stop = func() {
		admin, err := sql.Open("postgres", u)
		if err != nil {
			return
		}
		defer admin.Close()
		for _, name := range p.made {
			admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") //nolint:errcheck
		}
	}
	return p
}

// fresh makes an empty database and returns its URL.
func (p *postgres) fresh(prefix string) (string, error) {
	admin, err := sql.Open("postgres", p.url)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	name := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		return "", err
	}
	p.made = append(p.made, name)
	u, err := url.Parse(p.url)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// pgBin finds PostgreSQL's server binaries (pg_config, or Debian's
// /usr/lib/postgresql/N/bin, the highest N).
func pgBin() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	ds, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(ds, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(filepath.Dir(ds[i])))
		b, _ := strconv.Atoi(filepath.Base(filepath.Dir(ds[j])))
		return a < b
	})
	for i := len(ds) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(ds[i], "initdb")); err == nil {
			return ds[i], nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL server binaries (initdb, pg_ctl) found")
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
