package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const examplePath = "../examples/heed.yaml"

func emptyEnv(string) string { return "" }

func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeFile writes content to a file in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// problemsOf splits a joined error into its messages.
func problemsOf(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, problemsOf(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

func sameProblems(t *testing.T, err error, want []string) {
	t.Helper()
	got := problemsOf(err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got  %d:\n\t%s\n want %d:\n\t%s", len(got), strings.Join(got, "\n\t"), len(want), strings.Join(want, "\n\t"))
	}
}

func loadExample(t *testing.T) *Config {
	t.Helper()
	c, err := Load(examplePath, emptyEnv)
	if err != nil {
		t.Fatalf("Load(%s): %v", examplePath, err)
	}
	return c
}

func TestExampleLoadsAndValidates(t *testing.T) {
	c := loadExample(t)
	if c.Company.Name != "星河物业服务有限公司" || c.Company.Hotline == "" || len(c.Company.Emergency) < 4 {
		t.Errorf("company = %+v", c.Company)
	}
	wantDepts := map[string]string{"engineering": "工程部", "service": "客服中心", "security": "秩序部",
		"environment": "环境部", "finance": "财务部", "quality": "品质管理部"}
	for id, name := range wantDepts {
		d, ok := c.Department(id)
		if !ok || d.Name != name {
			t.Errorf("Department(%q) = %v, %v; want %s", id, d, ok, name)
			continue
		}
		if n := len(d.Managers); n < 1 || n > 2 {
			t.Errorf("%s has %d managers", id, n)
		}
		if n := len(d.Handlers); n < 1 || n > 2 {
			t.Errorf("%s has %d handlers", id, n)
		}
	}
	wantCats := []struct{ id, name string }{
		{"repair", "工程维修"}, {"house_quality", "房屋质量"}, {"cleaning", "环境卫生"}, {"security", "安全秩序"},
		{"parking", "停车"}, {"fees", "收费"}, {"attitude", "服务态度"}, {"noise", "噪音"},
		{"facilities", "公共设施"}, {"other", "其他"},
	}
	if len(c.Categories) != len(wantCats) {
		t.Errorf("%d categories, want %d", len(c.Categories), len(wantCats))
	}
	for i, w := range wantCats {
		if i >= len(c.Categories) {
			break
		}
		cat := c.Categories[i]
		if cat.ID != w.id || cat.Name != w.name {
			t.Errorf("categories[%d] = %s %s, want %s %s", i, cat.ID, cat.Name, w.id, w.name)
		}
		if n := len(cat.Keywords); n < 8 || n > 20 {
			t.Errorf("category %s has %d keywords, want 8–20", cat.ID, n)
		}
	}
	if cat, ok := c.Category("repair"); !ok || !containsStr(cat.Keywords, "漏水") || !containsStr(cat.Keywords, "leak") {
		t.Errorf("repair keywords = %v", cat)
	}
	if len(c.Communities) != 2 {
		t.Errorf("%d communities", len(c.Communities))
	}
	if cm, ok := c.CommunityByName("翠湖"); !ok || cm.ID != "cuihuyuan" || len(cm.Buildings) == 0 {
		t.Errorf("CommunityByName(翠湖) = %v, %v", cm, ok)
	}
	if c.Clock != DefaultClock {
		t.Errorf("example clock %+v differs from the default %+v", c.Clock, DefaultClock)
	}
	cal := c.Calendar
	if cal.TimeZone != "Asia/Shanghai" || cal.DayStart != "09:00" || cal.DayEnd != "18:00" ||
		strings.Join(cal.Weekdays, " ") != "mon tue wed thu fri" {
		t.Errorf("calendar = %+v", cal)
	}
	// The official holidays come from the official calendar, not a list
	// typed into the example.
	if cal.Official != OfficialCN || len(cal.Holidays) != 0 || len(cal.Workdays) != 0 {
		t.Errorf("example calendar: official %q, holidays %v, workdays %v", cal.Official, cal.Holidays, cal.Workdays)
	}
	if loc, err := cal.Location(); err != nil || loc.String() != "Asia/Shanghai" {
		t.Errorf("Location() = %v, %v", loc, err)
	}
	if gm := c.GeneralManager(); gm.Name != "刘建国" {
		t.Errorf("GeneralManager() = %+v", gm)
	}
	if sp := c.Specialists(); len(sp) != 2 {
		t.Errorf("Specialists() = %+v", sp)
	}
	if c.Telegram.Enabled() || c.Slack.Enabled() || c.WeChat.Enabled() {
		t.Error("a platform is enabled without credentials")
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestLookups(t *testing.T) {
	c := loadExample(t)
	check := func(name string, r StaffRef, ok bool, id string, role Role, dept string) {
		t.Helper()
		if !ok || r.Staff.ID != id || r.Role != role || r.Department != dept {
			t.Errorf("%s: got %+v, %v; want %s %s %q", name, r, ok, id, role, dept)
		}
	}
	r, ok := c.StaffBySlack("U01ENG0MGR")
	check("slack manager", r, ok, "eng.li", RoleManager, "engineering")
	r, ok = c.StaffByTelegram(6100000302)
	check("telegram handler", r, ok, "sec.sun", RoleHandler, "security")
	r, ok = c.StaffByID("cs.zhoumin")
	check("id specialist", r, ok, "cs.zhoumin", RoleSpecialist, "")
	r, ok = c.StaffByID("gm.liu")
	check("id general manager", r, ok, "gm.liu", RoleGeneralManager, "")
	r, ok = c.StaffByID("eng.gao")
	check("id second manager", r, ok, "eng.gao", RoleManager, "engineering")
	r, ok = c.StaffBySlack("U01FRONT01")
	check("slack plain staff", r, ok, "front.xu", RoleStaff, "")
	for name, ok := range map[string]bool{
		"slack unknown":    second(c.StaffBySlack("U99NOBODY")),
		"slack empty":      second(c.StaffBySlack("")),
		"telegram zero":    second(c.StaffByTelegram(0)),
		"id unknown":       second(c.StaffByID("nobody")),
		"id empty":         second(c.StaffByID("")),
		"telegram unknown": second(c.StaffByTelegram(42)),
	} {
		if ok {
			t.Errorf("%s: found", name)
		}
	}
	if _, ok := c.Department("nope"); ok {
		t.Error("Department(nope) found")
	}
	if _, ok := c.Category("nope"); ok {
		t.Error("Category(nope) found")
	}
	if cm, ok := c.Community("xinghewan"); !ok || cm.Name != "星河湾" {
		t.Errorf("Community(xinghewan) = %v, %v", cm, ok)
	}
	if d, _ := c.Department("finance"); d != &c.Departments[4] {
		t.Error("Department does not point into the config")
	}
	if n := len(c.AllStaff()); n != 20 {
		t.Errorf("AllStaff() has %d people, want 20", n)
	}
}

func second(_ StaffRef, ok bool) bool { return ok }

func TestEnvOverridesWin(t *testing.T) {
	path := writeFile(t, "heed.yaml", exampleWith(t, `
listen: 0.0.0.0:9000
database_url: postgres://file@db/heed
telegram: {api_url: "http://file.example"}
slack: {api_url: "http://file.example/api/"}
wechat: {app_id: wxfile, api_url: "http://file.example"}
`))
	aes := strings.Repeat("a", 43)
	env := map[string]string{
		"DATABASE_URL":                 "postgres://env@db/heed",
		"HEED_LISTEN":                  "127.0.0.1:0",
		"HEED_API_TOKEN":               "api-token",
		"HEED_PUBLIC_URL":              "https://heed.example.com",
		"HEED_TELEGRAM_TOKEN":          "123:abc",
		"HEED_TELEGRAM_WEBHOOK_SECRET": "tg-secret",
		"HEED_TELEGRAM_API_URL":        "http://127.0.0.1:1",
		"HEED_SLACK_BOT_TOKEN":         "xoxb-test",
		"HEED_SLACK_SIGNING_SECRET":    "slack-secret",
		"HEED_SLACK_API_URL":           "http://127.0.0.1:2/",
		"HEED_WECHAT_APP_ID":           "wxenv",
		"HEED_WECHAT_APP_SECRET":       "wx-secret",
		"HEED_WECHAT_TOKEN":            "wxtoken",
		"HEED_WECHAT_AES_KEY":          aes,
		"HEED_WECHAT_API_URL":          "http://127.0.0.1:3",
	}
	if len(env) != len(EnvNames()) {
		t.Fatalf("test covers %d variables, EnvNames has %d", len(env), len(EnvNames()))
	}
	c, err := Load(path, mapEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"DATABASE_URL":                 c.DatabaseURL,
		"HEED_LISTEN":                  c.Listen,
		"HEED_API_TOKEN":               c.APIToken,
		"HEED_PUBLIC_URL":              c.PublicURL,
		"HEED_TELEGRAM_TOKEN":          c.Telegram.Token,
		"HEED_TELEGRAM_WEBHOOK_SECRET": c.Telegram.WebhookSecret,
		"HEED_TELEGRAM_API_URL":        c.Telegram.APIURL,
		"HEED_SLACK_BOT_TOKEN":         c.Slack.BotToken,
		"HEED_SLACK_SIGNING_SECRET":    c.Slack.SigningSecret,
		"HEED_SLACK_API_URL":           c.Slack.APIURL,
		"HEED_WECHAT_APP_ID":           c.WeChat.AppID,
		"HEED_WECHAT_APP_SECRET":       c.WeChat.AppSecret,
		"HEED_WECHAT_TOKEN":            c.WeChat.Token,
		"HEED_WECHAT_AES_KEY":          c.WeChat.AESKey,
		"HEED_WECHAT_API_URL":          c.WeChat.APIURL,
	}
	for k, want := range env {
		if got[k] != want {
			t.Errorf("%s: config has %q, want %q", k, got[k], want)
		}
	}
	if !c.Telegram.Enabled() || !c.Slack.Enabled() || !c.WeChat.Enabled() {
		t.Error("platforms with credentials are not enabled")
	}

	// Without the environment the file's values stand.
	c, err = Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "0.0.0.0:9000" || c.DatabaseURL != "postgres://file@db/heed" || c.WeChat.AppID != "wxfile" {
		t.Errorf("file values lost: %q %q %q", c.Listen, c.DatabaseURL, c.WeChat.AppID)
	}
}

func TestEnvFile(t *testing.T) {
	secret := writeFile(t, "token", "  s3cret-token\n")
	c, err := Load(examplePath, mapEnv(map[string]string{
		"HEED_API_TOKEN_FILE": secret,
		"HEED_LISTEN_FILE":    writeFile(t, "listen", "127.0.0.1:9999\n"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.APIToken != "s3cret-token" || c.Listen != "127.0.0.1:9999" {
		t.Errorf("APIToken %q, Listen %q", c.APIToken, c.Listen)
	}

	missing := filepath.Join(t.TempDir(), "missing")
	empty := writeFile(t, "empty", " \n")
	_, err = Load(examplePath, mapEnv(map[string]string{
		"HEED_API_TOKEN":              "inline",
		"HEED_API_TOKEN_FILE":         secret,
		"HEED_SLACK_BOT_TOKEN_FILE":   missing,
		"HEED_WECHAT_AES_KEY_FILE":    empty,
		"HEED_TELEGRAM_API_URL":       "http://x",
		"HEED_TELEGRAM_API_URL_FILE":  secret,
		"HEED_SLACK_SIGNING_SECRET":   "",
		"HEED_WECHAT_APP_SECRET_FILE": "",
	}))
	got := problemsOf(err)
	want := []string{
		"HEED_API_TOKEN and HEED_API_TOKEN_FILE are both set: set only one",
		"HEED_TELEGRAM_API_URL and HEED_TELEGRAM_API_URL_FILE are both set: set only one",
		"HEED_SLACK_BOT_TOKEN_FILE: open " + missing + ": no such file or directory",
		"HEED_WECHAT_AES_KEY_FILE: file " + empty + " is empty",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Error("a missing _FILE does not wrap os.ErrNotExist")
	}
}

// exampleWith is the example file with extra top-level YAML replacing keys
// of the same name.
func exampleWith(t *testing.T, extra string) string {
	t.Helper()
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	skip := false
	replaced := map[string]bool{}
	for _, l := range strings.Split(extra, "\n") {
		if k, _, ok := strings.Cut(l, ":"); ok && k != "" && !strings.HasPrefix(k, " ") {
			replaced[k] = true
		}
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l != "" && l[0] != ' ' && l[0] != '#' {
			k, _, _ := strings.Cut(l, ":")
			skip = replaced[k]
		}
		if !skip {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n") + "\n" + extra
}

func TestBrokenConfigNamesEveryKey(t *testing.T) {
	path := writeFile(t, "broken.yaml", `
company: {name: 星河物业, default_language: fr}
listen: localhost
calendar: {day_start: 9am, weekdays: [mon, funday], holidays: [2026-13-01]}
clock: {reply: 3 days}
rules: {repeat_window: soon}
departments:
  - {id: engineering, name: 工程部, managers: [{id: a, name: A, slack: U01ENG0MGR}]}
  - {id: engineering, name: "", managers: [{id: b, name: B, phone: "12345"}]}
  - {id: service, name: 客服中心, managers: [{id: a, name: C, slack: u123}]}
staff:
  - {id: s1, name: 周敏, role: boss}
  - {id: g1, name: G, role: general_manager}
  - {id: g2, name: H, role: general_manager}
categories:
  - {id: repair, name: 工程维修, department: engineering}
  - {id: repair, name: 房屋质量, department: engineering}
  - {id: c3, name: X, department: service}
  - {id: c4, name: Y, department: service}
  - {id: c5, name: Z, department: xyz}
communities: []
`)
	_, err := Load(path, emptyEnv)
	sameProblems(t, err, []string{
		`company.default_language: "fr" is not one of zh-CN, zh-TW, en`,
		`listen: "localhost" is not host:port`,
		`calendar.day_start: "9am" is not a time HH:MM`,
		`calendar.weekdays[1]: "funday" is not a weekday (mon tue wed thu fri sat sun)`,
		`calendar.holidays[0]: "2026-13-01" is not a date YYYY-MM-DD`,
		`clock.reply: "3 days" is not a duration spec (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
		`rules.repeat_window: "soon" is not a duration spec (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
		`departments[1].id: duplicate department id "engineering" (also departments[0].id)`,
		`departments[1].name: required`,
		`departments[1].managers[0].phone: "12345" is not a mobile number (11 digits 1[3-9]…, or +country code and number)`,
		`departments[2].managers[0].id: duplicate staff id "a" (also departments[0].managers[0].id)`,
		`departments[2].managers[0].slack: not a Slack user id`,
		`staff[0].role: unknown role "boss" (one of specialist, general_manager, quality, staff)`,
		`staff: at least one specialist (role: specialist) is required`,
		`staff: exactly one general_manager is required, found 2`,
		`categories[1].id: duplicate category id "repair" (also categories[0].id)`,
		`categories[4].department: unknown department "xyz"`,
		`communities: at least one community is required`,
	})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Key != "company.default_language" {
		t.Errorf("first FieldError = %+v", fe)
	}
}

// TestValidateRules changes one thing in the valid example and expects
// exactly the named problems.
func TestValidateRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   []string
	}{
		{"nothing", func(c *Config) {}, nil},
		{"clock specs of every unit", func(c *Config) {
			c.Clock = Clock{Acknowledge: "24h", Dispatch: "2wh", InvestigateWorking: "1.5wh", InvestigateOffHours: "90d",
				Measures: "1h30m", Reply: "10m", UrgentReply: "3wd", Major: "1mo"}
			c.Rules.RepeatWindow = "60wd"
			c.Revisit = Revisit{Ratio: 1, FeedbackWait: "3wd", ReminderAfter: "4wh", NoResponseAfter: "1mo", LowScore: 2}
		}, nil},
		{"bad clock specs", func(c *Config) { c.Clock.Major = "-1h"; c.Clock.Dispatch = "5 h"; c.Clock.Acknowledge = "1y" }, []string{
			`clock.acknowledge: "1y" is not a duration spec (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
			`clock.dispatch: "5 h" is not a duration spec (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
			`clock.major: "-1h": the duration must be positive`,
		}},
		// What validation lets through is what the clock and the sweeps
		// parse: a fraction of months or working days, or a zero span,
		// used to pass here and fail at start-up.
		{"spans that only looked valid", func(c *Config) {
			c.Clock.Major, c.Clock.Reply, c.Clock.UrgentReply = "1.5mo", "1.5wd", "0"
			c.Rules.RepeatWindow = "2.5d"
			c.Revisit.FeedbackWait, c.Revisit.NoResponseAfter = "0wd", "1.wd"
		}, []string{
			`clock.reply: "1.5wd": working days are counted in whole numbers (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
			`clock.urgent_reply: "0": the duration must be positive`,
			`clock.major: "1.5mo": months are counted in whole numbers (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
			`rules.repeat_window: "2.5d": days are counted in whole numbers (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
			`revisit.feedback_wait: "0wd": the duration must be positive`,
			`revisit.no_response_after: "1.wd" is not a duration spec (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
		}},
		{"web chat bounds", func(c *Config) {
			c.PublicURL = "heed.example.com"
			c.WebChat = WebChat{UploadMBPerDraft: -1, MessagesPerMinutePerIP: -5, TrustedProxies: []string{"10.0.0.0/8", "127.0.0.1", "proxy"}}
		}, []string{
			`public_url: "heed.example.com": want heed's public base URL, e.g. https://heed.example.com`,
			`web_chat.upload_mb_per_draft: -1: must be 0 (the default) or more`,
			`web_chat.messages_per_minute_per_ip: -5: must be 0 (the default) or more`,
			`web_chat.trusted_proxies[2]: "proxy": want an address or CIDR such as 10.0.0.0/8`,
		}},
		{"official calendar", func(c *Config) { c.Calendar.Official = "hk" }, []string{
			`calendar.official: "hk": use cn (mainland China's public holidays and 调休, the default) or none (only the days configured here)`,
		}},
		{"emergency and urgent words", func(c *Config) {
			c.Conversation.EmergencyWords = []string{"火灾", " ", "火灾"}
			c.Conversation.UrgentWords = []string{"漏水", "火灾", "漏水"}
		}, []string{
			`conversation.emergency_words[1]: empty`,
			`conversation.emergency_words[2]: "火灾" listed twice`,
			`conversation.urgent_words[1]: "火灾" is also an emergency word: list it once`,
			`conversation.urgent_words[2]: "漏水" listed twice`,
		}},
		{"calendar", func(c *Config) {
			c.Calendar.TimeZone = "Mars/Olympus"
			c.Calendar.DayStart, c.Calendar.DayEnd = "18:00", "09:00"
			c.Calendar.Weekdays = []string{"mon", "Mon", "mon"}
			c.Calendar.Holidays = []string{"2026-10-01", "2026-1-1", "2026-10-01"}
			c.Calendar.Workdays = []string{"2026-10-01"}
		}, []string{
			`calendar.time_zone: unknown time zone "Mars/Olympus" (an IANA name such as Asia/Shanghai)`,
			`calendar.day_end: 09:00 is not after day_start 18:00`,
			`calendar.weekdays[1]: "Mon" is not a weekday (mon tue wed thu fri sat sun)`,
			`calendar.weekdays[2]: mon listed twice`,
			`calendar.holidays[1]: "2026-1-1" is not a date YYYY-MM-DD`,
			`calendar.holidays[2]: 2026-10-01 listed twice`,
			`calendar.workdays[0]: 2026-10-01 is also listed as a holiday`,
		}},
		{"listen port", func(c *Config) { c.Listen = "127.0.0.1:http" }, []string{
			`listen: "127.0.0.1:http": port must be a number 0–65535`,
		}},
		{"listen any host", func(c *Config) { c.Listen = ":8080" }, nil},
		{"serial", func(c *Config) { c.Serial.Format = "TS-{seq:6}" }, []string{
			`serial.format: "TS-{seq:6}" must contain the year ({yyyy} or {yy}): numbering restarts each year`,
		}},
		{"rules", func(c *Config) { c.Rules.CollectiveMajorAt = 1; c.Rules.MaxTextBytes = -1 }, []string{
			`rules.collective_major_at: 1: a collective complaint needs at least 2 complainants`,
			`rules.max_text_bytes: -1 must be positive`,
		}},
		{"owner rate", func(c *Config) { c.Rules.OwnerRate = "lots" }, []string{
			`rules.owner_rate: "lots": messages per interval, e.g. 20/1m, or off`,
		}},
		{"owner rate off", func(c *Config) { c.Rules.OwnerRate = "off" }, nil},
		{"major signals", func(c *Config) { c.Rules.MajorSignals = []string{"lawsuit", "riot"} }, []string{
			`rules.major_signals[1]: "riot": the signals are lawsuit, media, hotline, petition and collective`,
		}},
		{"no major signals", func(c *Config) { c.Rules.MajorSignals = []string{} }, nil},
		{"languages", func(c *Config) { c.Company.DefaultLanguage = "zh-TW" }, nil},
		{"phones", func(c *Config) {
			c.Staff[0].Phone = "+85291234567"
			c.Staff[1].Phone = "12800000000"
			c.Departments[0].Handlers[0].Phone = "027-88886666"
		}, []string{
			`departments[0].handlers[0].phone: "027-88886666" is not a mobile number (11 digits 1[3-9]…, or +country code and number)`,
			`staff[1].phone: "12800000000" is not a mobile number (11 digits 1[3-9]…, or +country code and number)`,
		}},
		{"roles", func(c *Config) {
			c.Staff[0].Role = RoleManager
			c.Staff[4].Role = ""
			c.Departments[1].Managers[0].Role = RoleHandler
			c.Departments[1].Handlers[0].Role = RoleHandler // agrees with its list: fine
		}, []string{
			`departments[1].managers[0].role: "handler" contradicts the list it is in (manager)`,
			`staff[0].role: manager belongs under a department's managers, not under staff`,
			`staff[4].role: required: one of specialist, general_manager, quality, staff`,
		}},
		{"no general manager", func(c *Config) { c.Staff[2].Role = RoleQuality }, []string{
			`staff: exactly one general_manager is required, found 0`,
		}},
		{"identities", func(c *Config) {
			c.Staff[0].ID = "eng.li"
			c.Staff[1].Slack = "U01ENG0MGR"
			c.Staff[3].TelegramID = 6100000101
			c.Staff[4].TelegramID = -5
			c.Staff[4].ID = "has space"
			c.Staff[4].Name = " "
		}, []string{
			`staff[0].id: duplicate staff id "eng.li" (also departments[0].managers[0].id)`,
			`staff[1].slack: Slack user U01ENG0MGR is already departments[0].managers[0]`,
			`staff[3].telegram_id: Telegram user 6100000101 is already departments[0].managers[0]`,
			`staff[4].id: "has space" is not an id (letters, digits, _ . -; at most 32)`,
			`staff[4].name: required`,
			`staff[4].telegram_id: -5 is not a Telegram user id (group chats are negative; users are not)`,
		}},
		{"department without manager", func(c *Config) { c.Departments[5].Managers = nil }, []string{
			`departments[5].managers: at least one manager is required: dispatched complaints go to them`,
		}},
		{"categories", func(c *Config) {
			c.Categories[0].Department = ""
			c.Categories[1].Keywords = append(c.Categories[1].Keywords, "", "裂缝")
			c.Categories[2].Name = ""
		}, []string{
			`categories[0].department: required: the department complaints of this kind go to`,
			`categories[1].keywords[16]: empty`,
			`categories[1].keywords[17]: "裂缝" listed twice`,
			`categories[2].name: required`,
		}},
		{"communities", func(c *Config) {
			c.Communities[1].ID = "xinghewan"
			c.Communities[1].Aliases = append(c.Communities[1].Aliases, "星河湾")
			c.Communities[0].Buildings = append(c.Communities[0].Buildings, "1栋")
		}, []string{
			`communities[0].buildings[12]: "1栋" listed twice`,
			`communities[1].id: duplicate community id "xinghewan" (also communities[0].id)`,
			`communities[1].aliases[3]: "星河湾" already names communities[0].name`,
		}},
		{"telegram", func(c *Config) { c.Telegram.Token = "not-a-token"; c.Telegram.APIURL = "ftp://x" }, []string{
			`HEED_TELEGRAM_TOKEN: not a Telegram bot token (digits:letters, as BotFather gives it)`,
			`HEED_TELEGRAM_WEBHOOK_SECRET: required when HEED_TELEGRAM_TOKEN is set: it authenticates webhook calls`,
			`telegram.api_url: "ftp://x" is not an http(s) URL`,
		}},
		{"telegram secret charset", func(c *Config) { c.Telegram.Token = "123:abc"; c.Telegram.WebhookSecret = "a b" }, []string{
			`HEED_TELEGRAM_WEBHOOK_SECRET: Telegram allows 1–256 characters A-Z a-z 0-9 _ -`,
		}},
		{"slack half configured", func(c *Config) { c.Slack.SigningSecret = "s" }, []string{
			`HEED_SLACK_BOT_TOKEN: required when HEED_SLACK_SIGNING_SECRET is set`,
		}},
		{"wechat half configured", func(c *Config) { c.WeChat.Token = "t"; c.WeChat.AESKey = "short" }, []string{
			`wechat.app_id: required when WeChat secrets are set (or HEED_WECHAT_APP_ID)`,
			`HEED_WECHAT_APP_SECRET: required when other WeChat credentials are set`,
			`HEED_WECHAT_AES_KEY: not an EncodingAESKey (43 characters, as the WeChat console gives it)`,
		}},
		{"database url not echoed", func(c *Config) { c.DatabaseURL = "mysql://u:hunter2@h/db" }, []string{
			`database_url: not a PostgreSQL URL (postgres://user:pass@host/db) or key=value connection string`,
		}},
		{"database key=value", func(c *Config) { c.DatabaseURL = "host=/run/postgresql dbname=heed" }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := loadExample(t)
			tc.change(c)
			sameProblems(t, c.Validate(), tc.want)
		})
	}
}

func TestUnknownKeys(t *testing.T) {
	path := writeFile(t, "typo.yaml", `company: {name: X, hotlin: "1"}
departments:
  - id: e
    managerz: []
telegram:
  token: "123:abc"
colour: blue
`)
	_, err := Load(path, emptyEnv)
	sameProblems(t, err, []string{
		`company.hotlin: unknown key (line 1)`,
		`departments[0].managerz: unknown key (line 4)`,
		`telegram.token: secrets are not read from the file (line 6): set HEED_TELEGRAM_TOKEN or HEED_TELEGRAM_TOKEN_FILE`,
		`colour: unknown key (line 7)`,
	})
}

func TestYAMLErrors(t *testing.T) {
	path := writeFile(t, "bad.yaml", "staff:\n  - {id: a, telegram_id: abc}\n")
	_, err := Load(path, emptyEnv)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("type error: %v", err)
	}
	path = writeFile(t, "syntax.yaml", "company: [\n")
	if _, err = Load(path, emptyEnv); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("syntax error: %v", err)
	}
	path = writeFile(t, "two.yaml", "listen: a:1\n---\nlisten: b:2\n")
	if _, err = Load(path, emptyEnv); err == nil || !strings.Contains(err.Error(), "more than one YAML document") {
		t.Errorf("two documents: %v", err)
	}
	if _, err = Load(filepath.Join(t.TempDir(), "none.yaml"), emptyEnv); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// Anchors and merge keys are plain YAML and must not count as unknown keys.
func TestMergeKeys(t *testing.T) {
	path := writeFile(t, "merge.yaml", exampleWith(t, `
staff:
  - &sp {id: cs.a, name: 甲, role: specialist}
  - <<: *sp
    id: cs.b
    name: 乙
  - {id: gm, name: 总经理, role: general_manager}
`))
	c, err := Load(path, emptyEnv)
	if err != nil {
		t.Fatal(err)
	}
	if sp := c.Specialists(); len(sp) != 2 || sp[1].ID != "cs.b" {
		t.Errorf("Specialists() = %+v", sp)
	}
}

func TestDefaults(t *testing.T) {
	want := func(c *Config) {
		t.Helper()
		if c.Listen != "127.0.0.1:8080" || c.Serial.Format != "TS-{yyyy}-{seq:6}" ||
			c.Calendar.TimeZone != "Asia/Shanghai" || c.Calendar.DayStart != "09:00" || c.Calendar.DayEnd != "18:00" ||
			strings.Join(c.Calendar.Weekdays, ",") != "mon,tue,wed,thu,fri" ||
			c.Rules.CollectiveMajorAt != 10 || c.Rules.RepeatWindow != "90d" || c.Rules.MaxTextBytes != 65536 ||
			strings.Join(c.Rules.MajorSignals, ",") != "lawsuit,media" ||
			c.Company.DefaultLanguage != "zh-CN" || c.Clock != DefaultClock {
			t.Errorf("defaults not applied: %+v", c)
		}
	}
	for _, content := range []string{"", "# only a comment\n", "---\n"} {
		var c Config
		if err := decode([]byte(content), &c); err != nil {
			t.Fatalf("decode(%q): %v", content, err)
		}
		c.ApplyDefaults()
		want(&c)
	}

	// An empty file loads the defaults; what remains missing is only what
	// has no default: the company itself.
	emptyProblems := []string{
		`company.name: required: the bot speaks in the company's name`,
		`departments: at least one department is required`,
		`staff: at least one specialist (role: specialist) is required`,
		`staff: exactly one general_manager is required, found 0`,
		`categories: at least one category is required`,
		`communities: at least one community is required`,
	}
	_, err := Load(writeFile(t, "empty.yaml", ""), emptyEnv)
	sameProblems(t, err, emptyProblems)
	_, err = Load("", nil)
	sameProblems(t, err, emptyProblems)

	// Settings left out of a real file take their defaults too.
	path := writeFile(t, "short.yaml", exampleWith(t, "listen: \"\"\nserial:\nclock:\nrules:\ncalendar: {holidays: [2026-10-01]}\n"))
	c, err := Load(path, emptyEnv)
	if err != nil {
		t.Fatal(err)
	}
	want(c)
}

func TestEnvNames(t *testing.T) {
	want := []string{"DATABASE_URL", "HEED_LISTEN", "HEED_API_TOKEN", "HEED_PUBLIC_URL", "HEED_TELEGRAM_TOKEN",
		"HEED_TELEGRAM_WEBHOOK_SECRET", "HEED_TELEGRAM_API_URL", "HEED_SLACK_BOT_TOKEN",
		"HEED_SLACK_SIGNING_SECRET", "HEED_SLACK_API_URL", "HEED_WECHAT_APP_ID",
		"HEED_WECHAT_APP_SECRET", "HEED_WECHAT_TOKEN", "HEED_WECHAT_AES_KEY", "HEED_WECHAT_API_URL"}
	if got := EnvNames(); !reflect.DeepEqual(got, want) {
		t.Errorf("EnvNames() = %v", got)
	}
}
