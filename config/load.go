package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the calendar's time zone must load in minimal containers too

	"go.yaml.in/yaml/v3"
)

// Defaults. Every number of the procedure is configuration; these are the
// values used when the file leaves a setting out.
const (
	DefaultListen          = "127.0.0.1:8080"
	DefaultSerialFormat    = "TS-{yyyy}-{seq:6}"
	DefaultTimeZone        = "Asia/Shanghai"
	DefaultDayStart        = "09:00"
	DefaultDayEnd          = "18:00"
	DefaultLanguage        = "zh-CN"
	DefaultCollectiveMajor = 10
	DefaultRepeatWindow    = "90d"
	DefaultMaxTextBytes    = 65536
	DefaultOwnerRate       = "20/1m"
)

// DefaultWeekdays are the working weekdays when calendar.weekdays is empty.
var DefaultWeekdays = []string{"mon", "tue", "wed", "thu", "fri"}

// DefaultClock is the procedure's default deadlines (docs/procedure.md, "Clock").
var DefaultClock = Clock{
	Acknowledge:         "24h",
	Dispatch:            "5h",
	InvestigateWorking:  "8h",
	InvestigateOffHours: "24h",
	Measures:            "72h",
	Reply:               "3wd",
	UrgentReply:         "2h",
	Major:               "1mo",
}

// DefaultEmergencyWords make a complaint an emergency when
// conversation.emergency_words is empty: fire, gas, people trapped in a
// lift, flooding, a break-in in progress, injury. Matched in Simplified
// Chinese (Traditional text is converted first); English words match whole
// words, case-insensitively.
var DefaultEmergencyWords = []string{
	// fire
	"着火", "起火", "失火", "火灾", "火警", "冒烟", "烟雾", "浓烟",
	// gas
	"煤气味", "燃气味", "天然气味", "煤气泄漏", "煤气泄露", "燃气泄漏", "燃气泄露", "天然气泄漏",
	// people trapped in a lift
	"困电梯", "电梯困人", "被困电梯", "困在电梯", "关在电梯", "卡在电梯", "电梯关人", "电梯里困", "困梯", "困了人", "有人被困",
	// flooding
	"水漫", "淹水", "水淹", "被淹", "爆管", "水管爆裂", "水管爆了", "爆水管",
	// break-in in progress
	"有人撬门", "撬门", "撬锁", "入室盗窃", "入室抢劫", "小偷正在", "有人闯入",
	// injury
	"触电", "晕倒", "昏迷", "有人受伤",
	// English
	"fire", "smoke", "gas leak", "gas leaking", "smell of gas", "smell gas", "smells of gas",
	"trapped in lift", "trapped in the lift", "trapped in elevator", "trapped in the elevator",
	"stuck in lift", "stuck in the lift", "stuck in elevator", "stuck in the elevator",
	"burst pipe", "burst pipes", "pipe burst", "flooding", "flooded",
	"break-in", "breaking in", "burglar", "burglars", "intruder", "electric shock", "unconscious",
}

// DefaultUrgentWords make a complaint urgent when conversation.urgent_words
// is empty.
var DefaultUrgentWords = []string{
	"紧急", "急", "马上", "立刻", "立即", "尽快", "赶紧", "赶快", "严重",
	"停水", "停电", "漏电", "断水", "断电", "没水", "没电",
	"urgent", "asap", "as soon as possible", "immediately", "right away", "emergency",
	"no water", "no power", "power cut", "power outage", "blackout",
}

// Load reads the YAML file at path ("" means no file: defaults and
// environment only), applies defaults, then the environment overrides read
// through env, and validates the result. env is usually os.Getenv; nil means
// no environment at all. An environment variable set to "" counts as unset.
//
// Every environment name of EnvNames may instead be given as NAME_FILE, the
// path of a file whose trimmed content is the value; setting both is an
// error. Secrets (APIToken and the platform tokens) are read only from the
// environment, never from the file.
//
// Problems are reported all at once, one per line, each naming its key:
// "departments[2].managers[0].slack: not a Slack user id".
func Load(path string, env func(string) string) (*Config, error) {
	c := &Config{}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if err := decode(data, c); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) { // unknown keys: each already names its key and line
				return nil, err
			}
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	c.ApplyDefaults()
	if env == nil {
		env = func(string) string { return "" }
	}
	if err := applyEnv(c, env); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// ApplyDefaults fills every setting that has a default and is still empty.
// Load calls it; tests that build a Config by hand may call it too.
func (c *Config) ApplyDefaults() {
	setDefault(&c.Listen, DefaultListen)
	setDefault(&c.Rules.Dispatch, "auto")
	if c.Revisit.Ratio == 0 {
		c.Revisit.Ratio = 1
	}
	setDefault(&c.Revisit.FeedbackWait, "72h")
	setDefault(&c.Revisit.ReminderAfter, "24h")
	setDefault(&c.Revisit.NoResponseAfter, "48h")
	c.pathDefaults()
	if c.Revisit.LowScore == 0 {
		c.Revisit.LowScore = 2
	}
	setDefault(&c.Serial.Format, DefaultSerialFormat)
	setDefault(&c.Company.DefaultLanguage, DefaultLanguage)
	setDefault(&c.Calendar.TimeZone, DefaultTimeZone)
	setDefault(&c.Calendar.DayStart, DefaultDayStart)
	setDefault(&c.Calendar.DayEnd, DefaultDayEnd)
	setDefault(&c.Calendar.Official, OfficialCN)
	if len(c.Calendar.Weekdays) == 0 {
		c.Calendar.Weekdays = append([]string(nil), DefaultWeekdays...)
	}
	setDefault(&c.Clock.Acknowledge, DefaultClock.Acknowledge)
	setDefault(&c.Clock.Dispatch, DefaultClock.Dispatch)
	setDefault(&c.Clock.InvestigateWorking, DefaultClock.InvestigateWorking)
	setDefault(&c.Clock.InvestigateOffHours, DefaultClock.InvestigateOffHours)
	setDefault(&c.Clock.Measures, DefaultClock.Measures)
	setDefault(&c.Clock.Reply, DefaultClock.Reply)
	setDefault(&c.Clock.UrgentReply, DefaultClock.UrgentReply)
	setDefault(&c.Clock.Major, DefaultClock.Major)
	if c.Rules.CollectiveMajorAt == 0 {
		c.Rules.CollectiveMajorAt = DefaultCollectiveMajor
	}
	setDefault(&c.Rules.RepeatWindow, DefaultRepeatWindow)
	if c.Rules.MajorSignals == nil { // an empty list: no signal makes a case major
		c.Rules.MajorSignals = slices.Clone(DefaultMajorSignals)
	}
	if c.Rules.MaxTextBytes == 0 {
		c.Rules.MaxTextBytes = DefaultMaxTextBytes
	}
	setDefault(&c.Rules.OwnerRate, DefaultOwnerRate)
	if len(c.Conversation.EmergencyWords) == 0 {
		c.Conversation.EmergencyWords = append([]string(nil), DefaultEmergencyWords...)
	}
	if len(c.Conversation.UrgentWords) == 0 {
		c.Conversation.UrgentWords = append([]string(nil), DefaultUrgentWords...)
	}
}

func setDefault(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

// Location loads the calendar's time zone (Asia/Shanghai when empty). The
// time zone database is embedded, so this works without /usr/share/zoneinfo.
func (cal Calendar) Location() (*time.Location, error) {
	if cal.TimeZone == "" {
		return time.LoadLocation(DefaultTimeZone)
	}
	return time.LoadLocation(cal.TimeZone)
}

// envVar is one environment override.
type envVar struct {
	name string
	set  func(*Config, string)
}

var envVars = []envVar{
	{"DATABASE_URL", func(c *Config, v string) { c.DatabaseURL = v }},
	{"HEED_LISTEN", func(c *Config, v string) { c.Listen = v }},
	{"HEED_API_TOKEN", func(c *Config, v string) { c.APIToken = v }},
	{"HEED_PUBLIC_URL", func(c *Config, v string) { c.PublicURL = v }},
	{"HEED_TELEGRAM_TOKEN", func(c *Config, v string) { c.Telegram.Token = v }},
	{"HEED_TELEGRAM_WEBHOOK_SECRET", func(c *Config, v string) { c.Telegram.WebhookSecret = v }},
	{"HEED_TELEGRAM_API_URL", func(c *Config, v string) { c.Telegram.APIURL = v }},
	{"HEED_SLACK_BOT_TOKEN", func(c *Config, v string) { c.Slack.BotToken = v }},
	{"HEED_SLACK_SIGNING_SECRET", func(c *Config, v string) { c.Slack.SigningSecret = v }},
	{"HEED_SLACK_API_URL", func(c *Config, v string) { c.Slack.APIURL = v }},
	{"HEED_WECHAT_APP_ID", func(c *Config, v string) { c.WeChat.AppID = v }},
	{"HEED_WECHAT_APP_SECRET", func(c *Config, v string) { c.WeChat.AppSecret = v }},
	{"HEED_WECHAT_TOKEN", func(c *Config, v string) { c.WeChat.Token = v }},
	{"HEED_WECHAT_AES_KEY", func(c *Config, v string) { c.WeChat.AESKey = v }},
	{"HEED_WECHAT_API_URL", func(c *Config, v string) { c.WeChat.APIURL = v }},
}

// EnvNames lists the environment variables Load reads, in a stable order.
// Each may also be given as NAME_FILE.
func EnvNames() []string {
	names := make([]string, len(envVars))
	for i, e := range envVars {
		names[i] = e.name
	}
	return names
}

// applyEnv applies the environment overrides; problems are joined.
func applyEnv(c *Config, env func(string) string) error {
	var errs []error
	for _, e := range envVars {
		v, fileName := env(e.name), env(e.name+"_FILE")
		switch {
		case v != "" && fileName != "":
			errs = append(errs, fmt.Errorf("%s and %s_FILE are both set: set only one", e.name, e.name))
			continue
		case fileName != "":
			data, err := os.ReadFile(fileName)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s_FILE: %w", e.name, err))
				continue
			}
			v = strings.TrimSpace(string(data))
			if v == "" {
				errs = append(errs, fmt.Errorf("%s_FILE: file %s is empty", e.name, fileName))
				continue
			}
		case v == "":
			continue
		}
		e.set(c, v)
	}
	return errors.Join(errs...)
}

// decode reads one YAML document into c. Unknown keys are reported all at
// once with their full key path; the strict decoder (KnownFields) stays on
// as a backstop.
func decode(data []byte, c *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return err
	}
	if root.Kind == 0 { // empty or comments only
		return nil
	}
	var unknown []error
	unknownKeys(&root, reflect.TypeOf(c).Elem(), "", &unknown, 0)
	if len(unknown) > 0 {
		return errors.Join(unknown...)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && err != io.EOF {
		return err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return errors.New("more than one YAML document: put the whole configuration in one")
	}
	return nil
}

// secretKeys are YAML keys people may try for values that are read only
// from the environment.
var secretKeys = map[string]string{
	"api_token":               "HEED_API_TOKEN",
	"telegram.token":          "HEED_TELEGRAM_TOKEN",
	"telegram.webhook_secret": "HEED_TELEGRAM_WEBHOOK_SECRET",
	"slack.bot_token":         "HEED_SLACK_BOT_TOKEN",
	"slack.signing_secret":    "HEED_SLACK_SIGNING_SECRET",
	"wechat.app_secret":       "HEED_WECHAT_APP_SECRET",
	"wechat.token":            "HEED_WECHAT_TOKEN",
	"wechat.aes_key":          "HEED_WECHAT_AES_KEY",
}

// unknownKeys walks a YAML node against the Go type it will be decoded
// into and records every mapping key that type does not have.
func unknownKeys(n *yaml.Node, t reflect.Type, path string, out *[]error, depth int) {
	if n == nil || depth > 64 {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, ch := range n.Content {
			unknownKeys(ch, t, path, out, depth+1)
		}
		return
	case yaml.AliasNode:
		unknownKeys(n.Alias, t, path, out, depth+1)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // a type mismatch: the decoder reports it
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.ShortTag() == "!!merge" {
				if v.Kind == yaml.SequenceNode {
					for _, m := range v.Content {
						unknownKeys(m, t, path, out, depth+1)
					}
				} else {
					unknownKeys(v, t, path, out, depth+1)
				}
				continue
			}
			key := joinKey(path, k.Value)
			ft, ok := fields[k.Value]
			if !ok {
				msg := fmt.Sprintf("unknown key (line %d)", k.Line)
				if name, secret := secretKeys[key]; secret {
					msg = fmt.Sprintf("secrets are not read from the file (line %d): set %s or %s_FILE", k.Line, name, name)
				}
				*out = append(*out, &FieldError{Key: key, Msg: msg})
				continue
			}
			unknownKeys(v, ft, key, out, depth+1)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, ch := range n.Content {
			unknownKeys(ch, t.Elem(), path+"["+strconv.Itoa(i)+"]", out, depth+1)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			unknownKeys(n.Content[i+1], t.Elem(), joinKey(path, n.Content[i].Value), out, depth+1)
		}
	}
}

// yamlFields maps the YAML keys of struct type t to their field types, the
// way yaml.v3 names them (tag name, else the lower-cased field name).
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range yamlFields(ft) {
					fields[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	return fields
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
