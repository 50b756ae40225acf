package understand

import (
	"strings"
	"testing"

	"github.com/heedhq/heed/config"
)

func TestUnits(t *testing.T) {
	for _, tc := range []struct {
		text, unit, written string
		complete            bool
	}{
		{"The bike room is a mess and nobody tidies it", "", "", false},
		{"the meeting room is locked again", "", "", false},
		{"5栋楼道的灯坏了两个星期", "5栋", "5栋", false},
		{"A2棟3單元1201的廚房漏水", "A2栋3单元1201", "A2棟3單元1201", true},
		{"我住８棟　２單元　６０３", "8栋2单元603", "８棟　２單元　６０３", true},
		{"Block C, Flat 12B: the heater is broken", "C座12B", "Block C, Flat 12B", true},
		{"Building 7 lobby door is stuck", "7栋", "Building 7", false},
		{"12-3-401", "12-3-401", "12-3-401", true},
	} {
		u := ReadUnit(tc.text)
		if u.Normalised != tc.unit || u.Written != tc.written || u.Complete != tc.complete {
			t.Errorf("ReadUnit(%q) = %+v, want %q %q %v", tc.text, u, tc.unit, tc.written, tc.complete)
		}
		a := example(t).Analyze(tc.text)
		if a.Unit != u.Normalised || a.UnitAsWritten != u.Written || a.UnitComplete != u.Complete {
			t.Errorf("Analyze(%q): unit %q %q %v, ReadUnit %+v", tc.text, a.Unit, a.UnitAsWritten, a.UnitComplete, u)
		}
	}
}

func TestIntent(t *testing.T) {
	u := example(t)
	for text, want := range map[string]string{
		"你好":          IntentGreeting,
		"在吗？":         IntentGreeting,
		"hello hello": IntentGreeting,
		"/start":      IntentGreeting,
		"测试一下":        IntentGreeting,
		"Testing!":    IntentGreeting,
		"谢谢":          IntentThanks,
		"ok thanks":   IntentThanks,
		"好的，收到":       IntentThanks,
		"楼上漏水，我家天花板湿了一大片": IntentComplaint,
		"垃圾桶三天没人倒了，臭死了":   IntentComplaint,
		"物业费每年几月份交？":      IntentInquiry,
		"请问装修要去哪里办手续":     IntentInquiry,
	} {
		a := u.Analyze(text)
		if a.Intent != want {
			t.Errorf("Analyze(%q).Intent = %s, want %s", text, a.Intent, want)
		}
		if (want == IntentGreeting || want == IntentThanks) && (a.Category != OtherCategory || a.Confidence != 0 || a.Emergency || a.EmergencyCheck) {
			t.Errorf("Analyze(%q): a %s has category %s %.2f, emergency %v/%v", text, want, a.Category, a.Confidence, a.Emergency, a.EmergencyCheck)
		}
	}
}

// A company renames, drops and adds categories: the corpus teaches the
// ids it knows; a new id needs examples, and learns from them.
func TestCompanyCategories(t *testing.T) {
	cfg, err := config.Load(examplePath, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Categories = append(cfg.Categories[:2:2], config.Category{ID: "pets", Name: "宠物", Department: "security",
		Keywords: []string{"遛狗", "狗绳"}, Examples: []string{"有人遛狗不拴绳"}})
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "categories[2].examples: ") || !strings.Contains(err.Error(), `"pets"`) {
		t.Fatalf("a category with 3 examples and keywords: %v", err)
	}
	cfg.Categories[2].Examples = []string{
		"有人遛狗不拴绳，孩子吓哭了", "楼下的狗随地大小便，主人也不管", "邻居在家里养了五条狗", "大型犬在电梯里没戴嘴套",
		"猫在楼道里乱抓，门口的鞋都被抓烂了", "有人在绿化带里喂流浪猫，猫越来越多", "the neighbour's dog is off the leash in the garden",
		"狗主人不清理狗粪", "宠物店把笼子摆在单元门口",
	}
	u, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"楼下有条大狗没拴绳，见人就追": "pets",
		"卫生间的水管漏水，地上全是水": "repair",
	} {
		if a := u.Analyze(text); a.Category != want {
			t.Errorf("Analyze(%q) = %s %v, want %s", text, a.Category, a.Alternatives, want)
		}
	}
	for _, a := range u.Analyze("物业费又涨了").Alternatives {
		if a.Category != "repair" && a.Category != "house_quality" && a.Category != "pets" {
			t.Errorf("alternative %s is no configured category", a.Category)
		}
	}
}

// Every replica that learns from the same configuration and corrections
// gets the same model: training is deterministic.
func TestTrainingIsDeterministic(t *testing.T) {
	corr := []Correction{{Text: "电梯里的广告屏声音太大了", Category: "repair", Staff: true}}
	a, err := NewWithCorrections(exampleConfig(t), corr)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewWithCorrections(exampleConfig(t), corr)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"电梯里的广告屏声音太大了", "物业费又涨了", "楼道里一股怪味", "the gate guard was rude to my mother"} {
		if x, y := a.Analyze(text), b.Analyze(text); !equalAnalysis(x, y) {
			t.Errorf("%s: %+v vs %+v", text, x, y)
		}
	}
}

func exampleConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load(examplePath, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
