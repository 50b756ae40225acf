package main

// The heed under test: built once, started, killed and started again.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// build compiles heed.
func build(root, dir string) (string, error) {
	bin := filepath.Join(dir, "heed")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/heed")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// proc is one running heed serve.
type proc struct {
	cmd  *exec.Cmd
	addr string
}

type heedRun struct {
	h    *harness
	env  []string
	addr string
	log  *os.File
	mu   sync.Mutex
	cur  *proc
}

func (r *heedRun) start(ctx context.Context) error {
	cmd := exec.Command(r.h.bin, "serve", "--config", filepath.Join(r.h.root, "examples", "heed.yaml"))
	cmd.Env = r.env
	cmd.Stdout, cmd.Stderr = r.log, r.log
	if err := cmd.Start(); err != nil {
		return err
	}
	r.mu.Lock()
	r.cur = &proc{cmd: cmd, addr: r.addr}
	r.mu.Unlock()
	for {
		res, err := http.Get("http://" + r.addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("heed not ready: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (r *heedRun) kill() {
	r.mu.Lock()
	p := r.cur
	r.cur = nil
	r.mu.Unlock()
	if p != nil {
		p.cmd.Process.Signal(syscall.SIGKILL) //nolint:errcheck
		p.cmd.Wait()                          //nolint:errcheck
	}
}
