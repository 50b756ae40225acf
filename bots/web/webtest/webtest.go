// Package webtest drives a real browser for tests of heed's web pages: a
// headless Debian Chromium with a fresh profile, started per test and stopped
// with it, plus the phone and desktop viewports and screenshots.
//
// Chromium is found at $HEED_CHROMIUM, else /usr/bin/chromium. A test that
// needs it and cannot find it fails (it is never skipped): scripts/test
// installs Debian's chromium package and exports HEED_CHROMIUM.
package webtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/heedhq/heed/bots/internal/fakeapi"
)

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// ChromiumPath is the browser the tests run: $HEED_CHROMIUM, else
// DefaultChromium.
func ChromiumPath() string {
	if p := os.Getenv("HEED_CHROMIUM"); p != "" {
		return p
	}
	return DefaultChromium
}

// Browser starts a headless Chromium for t and returns the context of its
// first tab, in zh-CN (navigator.language and Accept-Language) unless opts
// say otherwise with --lang / --accept-lang. Extra opts are appended to the
// launch options. The browser and its profile are removed when t ends.
//
// The context has no deadline: a browser is bound to the context of its first
// use, so give each step its own context.WithTimeout derived from this one.
func Browser(t testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := ChromiumPath()
	if st, err := os.Stat(path); err != nil || st.IsDir() {
		t.Fatalf("webtest: no Chromium at %s (%v). Run the tests with scripts/test, which installs Debian's chromium package "+
			"(apt-get install chromium), or set HEED_CHROMIUM to a Chromium binary.", path, err)
	}
	profile := t.TempDir()
	var output fakeapi.LogBuffer
	all := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // the tests run as root, where the sandbox cannot start
		chromedp.Flag("disable-gpu", true),
		// The machines have no network beyond their registries: no QUIC, no
		// background fetches, updates or sync, which would only fail there.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(profile),
		chromedp.CombinedOutput(&output),
	}
	all = append(all, opts...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), all...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	// Cleanups run last in first out: the browser stops before t.TempDir
	// removes its profile.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("webtest: starting %s: %v\nits output:\n%s", path, err, tail(output.String(), 4000))
	}
	return ctx
}

// Phone is an iPhone 12–15 sized viewport: 390×844 CSS pixels at 2×, mobile,
// with touch.
func Phone() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
}

// Desktop is a laptop's 1280×800 viewport.
func Desktop() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(1280, 800, chromedp.EmulateScale(1))
}

// PressEnter presses Enter (with modifiers such as kb.ModifierShift) in the
// focused element as a keyboard does: one keyDown that carries the text, so a
// page that cancels the keydown gets no newline. chromedp's kb.Enter sends
// the text as a separate char event, which inserts a newline that no keydown
// handler can stop and a person's keyboard would never type.
func PressEnter(modifiers ...chromedp.Modifier) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var mods int64
		for _, m := range modifiers {
			mods |= int64(m)
		}
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Modifiers: mods, Key: "Enter", Code: "Enter",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r"}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Modifiers: mods, Key: "Enter", Code: "Enter",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, up)
		return err
	})
}

// Screenshot saves the tab's viewport, once its animations have ended, as name.png and returns the file's path.
// With HEED_SCREENSHOTS set the file goes to that directory and stays, for a
// person to look at; otherwise to the test's temporary directory.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	// Let entrance animations and the next paint finish: a half-faded bubble
	// is not what a person sees.
	settle := `Promise.all(document.getAnimations().map(a => a.finished.catch(() => {})))
		.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))).then(() => true)`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](settle, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("webtest: screenshot %s: waiting for the page to settle: %v", name, err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("webtest: screenshot %s: %v", name, err)
	}
	dir := os.Getenv("HEED_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("webtest: %v", err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("webtest: %v", err)
	}
	t.Logf("screenshot %s", path)
	return path
}

// PageErrors collects, from now on, what the tab reports as going wrong:
// uncaught exceptions, console.error calls and error entries of the browser
// log (a refused Content-Security-Policy, a failed request). The func it
// returns gives those seen so far.
func PageErrors(ctx context.Context) func() []chromedp.ConsoleMessage {
	var (
		mu   sync.Mutex
		errs []chromedp.ConsoleMessage
	)
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				errs = append(errs, m)
				mu.Unlock()
			}
		}
	}()
	return func() []chromedp.ConsoleMessage {
		mu.Lock()
		defer mu.Unlock()
		return append([]chromedp.ConsoleMessage(nil), errs...)
	}
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return fmt.Sprintf("…%s", s[len(s)-n:])
	}
	return s
}

// Do runs a step's actions on the page in ctx, failing the test with the
// step's name.
func Do(t testing.TB, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// WaitChat waits up to timeout until the JavaScript condition holds on the
// chat page in ctx; if it never does, the test fails showing what the chat
// shows.
func WaitChat(t testing.TB, ctx context.Context, what, condition string, timeout time.Duration) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](condition, chromedp.WithPollingTimeout(timeout))); err != nil {
		log, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#log').innerText`))
		t.Fatalf("waiting for %s: %v\nthe chat shows:\n%s", what, err, log)
	}
}

// Eval is what a JavaScript expression gives as a string on the page in
// ctx (a promise is awaited); the test fails if it throws.
func Eval(t testing.TB, ctx context.Context, expr string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// WaitPage waits up to timeout until the JavaScript condition holds on the
// page in ctx, asking again across navigations (a form's submit replaces
// the page under a running poll); if it never does, the test fails
// showing what the page shows.
func WaitPage(t testing.TB, ctx context.Context, what, condition string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](condition))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("waiting %s for %s: %v\nthe page shows:\n%s", timeout, what, err, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
