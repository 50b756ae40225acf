package wechat_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The SDK's root package sets logrus to debug on stdout in its init, and the
// SDK then logs owners' raw messages: it must never be linked in.
func TestTheSDKRootPackageIsNotLinked(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", ".", "./wechatfake").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/silenceper/wechat/v2/officialaccount") {
		t.Fatalf("go list found no SDK at all:\n%s", out)
	}
	if slices.Contains(deps, "github.com/silenceper/wechat/v2") {
		t.Fatal("github.com/silenceper/wechat/v2 (the root package) is linked: import officialaccount, cache or util instead")
	}
}
