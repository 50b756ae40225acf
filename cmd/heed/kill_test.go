package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/telegram/telegramtest"
	"github.com/heedhq/heed/cases/casestest"
)

// TestKilledAfterCommitDeliversAfterRestartOnce runs the real binary: an
// owner's message is committed and answered 200, heed is killed (SIGKILL)
// while its answer is on the way to Telegram, and the restarted heed
// delivers that answer — once.
func TestKilledAfterCommitDeliversAfterRestartOnce(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "heed")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dsn := casestest.URL(t)
	fake := telegramtest.New(t, tgToken)
	fake.Fail("sendMessage", telegramtest.Failure{Hang: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--config", filepath.Join(casestest.Root(t), "examples", "heed.yaml"))
		cmd.Env = append(os.Environ(), "HEED_RATE_LIMITS=off", "HEED_QUARTERLY_REPORT=off", "DATABASE_URL="+dsn, "HEED_LISTEN="+addr, "HEED_TELEGRAM_TOKEN="+tgToken,
			"HEED_TELEGRAM_WEBHOOK_SECRET="+tgSecret, "HEED_TELEGRAM_API_URL="+fake.URL)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		waitFor(t, "heed to be ready", func() bool {
			res, err := http.Get("http://" + addr + "/readyz")
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == 200
		})
		return cmd
	}
	first := start()
	h := &heed{t: t, base: "http://" + addr}
	o := &tgOwner{h: h, fake: fake, id: 7201}
	if code := h.postUpdate(t, tgSecret, o.message(map[string]any{"text": "楼道灯坏了"})); code != 200 {
		t.Fatalf("webhook %d", code)
	}
	waitFor(t, "the answer on its way", func() bool { return fake.Hanging() == 1 })
	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	if n := len(fake.Sent("7201")); n != 0 {
		t.Fatalf("%d messages delivered before the restart", n)
	}
	start()
	sent := fake.WaitSent(t, "7201", 1)
	time.Sleep(time.Second) // anything sent twice would arrive by now
	if n := len(fake.Sent("7201")); n != 1 || !strings.Contains(sent[0].Params["text"], "类别") {
		t.Fatalf("after the restart %d deliveries: %v", n, sent)
	}
}
