package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// FieldError is one configuration problem, tied to the key it is about:
// a YAML key path such as "departments[2].managers[0].slack", or the name of
// an environment variable for values that come only from there.
type FieldError struct {
	Key string
	Msg string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Msg }

var (
	reID          = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)
	reSlackUser   = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	reMobileCN    = regexp.MustCompile(`^1[3-9]\d{9}$`)
	reIntlPhone   = regexp.MustCompile(`^\+[1-9]\d{6,14}$`)
	reTelegramTok = regexp.MustCompile(`^\d+:[A-Za-z0-9_-]+$`)
	reTGSecret    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	reHHMM        = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
	reSerialToken = regexp.MustCompile(`\{([a-z]+)(?::(\d+))?\}`)
)

// Languages are the languages heed speaks.
var Languages = []string{"zh-CN", "zh-TW", "en"}

var weekdayNames = map[string]bool{"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true}

// checkSpan checks one span setting with the grammar its users parse it
// with (ParseSpan), so every value that passes means what it says.
func checkSpan(p *problems, key, v string) {
	if v == "" { // the default
		return
	}
	if _, err := ParseSpan(v); err != nil {
		p.add(key, "%v", err)
	}
}

type problems []error

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// Validate checks the whole configuration and returns every problem found,
// joined (errors.Join), each a *FieldError naming its key. Load calls it.
func (c *Config) Validate() error {
	var p problems
	c.validateCompany(&p)
	c.validateServer(&p)
	c.validateCalendar(&p)
	c.validateClock(&p)
	c.validateRules(&p)
	c.validateSignals(&p)
	c.validatePeople(&p)
	c.validateCategories(&p)
	c.validateCommunities(&p)
	c.validateConversation(&p)
	c.validateSurveys(&p)
	c.validatePlatforms(&p)
	c.validatePaths(&p)
	return errors.Join(p...)
}

func (c *Config) validateCompany(p *problems) {
	if strings.TrimSpace(c.Company.Name) == "" {
		p.add("company.name", "required: the bot speaks in the company's name")
	}
	for i, e := range c.Company.Emergency {
		if strings.TrimSpace(e) == "" {
			p.add(fmt.Sprintf("company.emergency_numbers[%d]", i), "empty")
		}
	}
	lang := c.Company.DefaultLanguage
	if lang == "" {
		lang = DefaultLanguage
	}
	if !slices.Contains(Languages, lang) {
		p.add("company.default_language", "%q is not one of zh-CN, zh-TW, en", c.Company.DefaultLanguage)
	}
}

func (c *Config) validateServer(p *problems) {
	if c.Listen != "" { // "" means the default
		host, port, err := net.SplitHostPort(c.Listen)
		n, perr := strconv.Atoi(port)
		switch {
		case err != nil:
			p.add("listen", "%q is not host:port", c.Listen)
		case perr != nil || n < 0 || n > 65535:
			p.add("listen", "%q: port must be a number 0–65535", c.Listen)
		case strings.ContainsAny(host, " /"):
			p.add("listen", "%q is not host:port", c.Listen)
		}
	}
	if c.Serial.Format != "" {
		if msg := checkSerial(c.Serial.Format); msg != "" {
			p.add("serial.format", "%s", msg)
		}
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add("public_url", "%q: want heed's public base URL, e.g. https://heed.example.com", c.PublicURL)
		}
	}
	w := c.WebChat
	for i, n := range []int{w.UploadMBPerSession, w.UploadMBPerDraft, w.MessagesPerMinute, w.MessagesPerMinutePerIP} {
		if n < 0 {
			key := []string{"upload_mb_per_session", "upload_mb_per_draft", "messages_per_minute", "messages_per_minute_per_ip"}[i]
			p.add("web_chat."+key, "%d: must be 0 (the default) or more", n)
		}
	}
	for i, cidr := range w.TrustedProxies {
		if _, err := netip.ParsePrefix(cidr); err != nil {
			if _, err := netip.ParseAddr(cidr); err != nil {
				p.add(fmt.Sprintf("web_chat.trusted_proxies[%d]", i), "%q: want an address or CIDR such as 10.0.0.0/8", cidr)
			}
		}
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql" && !strings.Contains(c.DatabaseURL, "=")) {
			// Don't echo the value: it usually holds a password.
			p.add("database_url", "not a PostgreSQL URL (postgres://user:pass@host/db) or key=value connection string")
		}
	}
}

// checkSerial mirrors the syntax rules of the serial-number template
// ({yyyy}, {yy}, {seq} or {seq:N}; {seq} once; a year; URL-safe).
func checkSerial(s string) string {
	seqs, years := 0, 0
	for _, m := range reSerialToken.FindAllStringSubmatch(s, -1) {
		switch m[1] {
		case "seq":
			seqs++
		case "yyyy", "yy":
			years++
		default:
			return fmt.Sprintf("unknown placeholder {%s} (use {yyyy}, {yy}, {seq:N})", m[1])
		}
		if m[2] != "" {
			if w, _ := strconv.Atoi(m[2]); w < 1 || w > 12 {
				return fmt.Sprintf("width of {%s} must be 1–12", m[1])
			}
		}
	}
	switch {
	case seqs != 1:
		return fmt.Sprintf("%q must contain {seq} exactly once", s)
	case years == 0:
		return fmt.Sprintf("%q must contain the year ({yyyy} or {yy}): numbering restarts each year", s)
	case strings.ContainsAny(s, "/?#% "):
		return fmt.Sprintf("%q must not contain spaces or / ? # %%: serials appear in URLs", s)
	}
	return ""
}

func (c *Config) validateCalendar(p *problems) {
	cal := c.Calendar
	if cal.TimeZone != "" {
		if _, err := time.LoadLocation(cal.TimeZone); err != nil {
			p.add("calendar.time_zone", "unknown time zone %q (an IANA name such as Asia/Shanghai)", cal.TimeZone)
		}
	}
	startOK := cal.DayStart == "" || reHHMM.MatchString(cal.DayStart)
	endOK := cal.DayEnd == "" || reHHMM.MatchString(cal.DayEnd) || cal.DayEnd == "24:00"
	if !startOK {
		p.add("calendar.day_start", "%q is not a time HH:MM", cal.DayStart)
	}
	if !endOK {
		p.add("calendar.day_end", "%q is not a time HH:MM", cal.DayEnd)
	}
	if startOK && endOK && cal.DayStart != "" && cal.DayEnd != "" && cal.DayStart >= cal.DayEnd {
		p.add("calendar.day_end", "%s is not after day_start %s", cal.DayEnd, cal.DayStart)
	}
	switch cal.Official {
	case "", OfficialCN, OfficialNone:
	default:
		p.add("calendar.official", "%q: use cn (mainland China's public holidays and 调休, the default) or none (only the days configured here)", cal.Official)
	}
	seen := map[string]bool{}
	for i, d := range cal.Weekdays {
		key := fmt.Sprintf("calendar.weekdays[%d]", i)
		switch {
		case !weekdayNames[d]:
			p.add(key, "%q is not a weekday (mon tue wed thu fri sat sun)", d)
		case seen[d]:
			p.add(key, "%s listed twice", d)
		}
		seen[d] = true
	}
	holidays := map[string]bool{}
	for i, d := range cal.Holidays {
		key := fmt.Sprintf("calendar.holidays[%d]", i)
		switch {
		case !validDate(d):
			p.add(key, "%q is not a date YYYY-MM-DD", d)
		case holidays[d]:
			p.add(key, "%s listed twice", d)
		}
		holidays[d] = true
	}
	workdays := map[string]bool{}
	for i, d := range cal.Workdays {
		key := fmt.Sprintf("calendar.workdays[%d]", i)
		switch {
		case !validDate(d):
			p.add(key, "%q is not a date YYYY-MM-DD", d)
		case workdays[d]:
			p.add(key, "%s listed twice", d)
		case holidays[d]:
			p.add(key, "%s is also listed as a holiday", d)
		}
		workdays[d] = true
	}
}

func validDate(s string) bool {
	if len(s) != len("2006-01-02") {
		return false
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func (c *Config) validateClock(p *problems) {
	for _, f := range []struct{ key, v string }{
		{"clock.acknowledge", c.Clock.Acknowledge},
		{"clock.dispatch", c.Clock.Dispatch},
		{"clock.investigate_working", c.Clock.InvestigateWorking},
		{"clock.investigate_off_hours", c.Clock.InvestigateOffHours},
		{"clock.measures", c.Clock.Measures},
		{"clock.reply", c.Clock.Reply},
		{"clock.urgent_reply", c.Clock.UrgentReply},
		{"clock.major", c.Clock.Major},
	} {
		checkSpan(p, f.key, f.v)
	}
}

func (c *Config) validateRules(p *problems) {
	r := c.Rules
	if r.CollectiveMajorAt < 0 || r.CollectiveMajorAt == 1 {
		p.add("rules.collective_major_at", "%d: a collective complaint needs at least 2 complainants", r.CollectiveMajorAt)
	}
	checkSpan(p, "rules.repeat_window", r.RepeatWindow)
	if r.Dispatch != "" && r.Dispatch != "auto" && r.Dispatch != "manual" {
		p.add("rules.dispatch", "%q: use auto (new cases go to their category's department) or manual (the specialist dispatches)", r.Dispatch)
	}
	if r.RemindAt < 0 || r.RemindAt >= 1 {
		p.add("rules.remind_at", "%v: a share of the deadline's time between 0 (no reminders) and 1, e.g. 0.8", r.RemindAt)
	}
	if v := c.Revisit; v.Ratio <= 0 || v.Ratio > 1 {
		p.add("revisit.ratio", "%v: the share of valid cases revisited, above 0 and at most 1", v.Ratio)
	}
	checkSpan(p, "revisit.feedback_wait", c.Revisit.FeedbackWait)
	checkSpan(p, "revisit.reminder_after", c.Revisit.ReminderAfter)
	checkSpan(p, "revisit.no_response_after", c.Revisit.NoResponseAfter)
	if c.Revisit.LowScore < 1 || c.Revisit.LowScore > 4 {
		p.add("revisit.low_score", "%d: a score from 1 to 4", c.Revisit.LowScore)
	}
	if r.MaxTextBytes < 0 {
		p.add("rules.max_text_bytes", "%d must be positive", r.MaxTextBytes)
	}
	if _, _, ok := r.OwnerLimit(); !ok && r.OwnerRate != "off" && r.OwnerRate != "" {
		p.add("rules.owner_rate", "%q: messages per interval, e.g. 20/1m, or off", r.OwnerRate)
	}
}

// validatePeople checks departments and staff: ids, names, roles, contact
// identities, and that the procedure's roles are filled.
func (c *Config) validatePeople(p *problems) {
	if len(c.Departments) == 0 {
		p.add("departments", "at least one department is required")
	}
	ids := map[string]string{}     // staff id → key of first use
	slack := map[string]string{}   // Slack user id → key
	tg := map[int64]string{}       // Telegram user id → key
	deptIDs := map[string]string{} // department id → key
	checkStaff := func(key string, s Staff, listRole Role) {
		checkID(p, key+".id", s.ID, "staff", ids)
		if strings.TrimSpace(s.Name) == "" {
			p.add(key+".name", "required")
		}
		switch {
		case listRole != "":
			if s.Role != "" && s.Role != listRole {
				p.add(key+".role", "%q contradicts the list it is in (%s)", s.Role, listRole)
			}
		case s.Role == "":
			p.add(key+".role", "required: one of specialist, general_manager, quality, staff")
		case s.Role == RoleManager || s.Role == RoleHandler:
			p.add(key+".role", "%s belongs under a department's %ss, not under staff", s.Role, s.Role)
		case !slices.Contains(Roles, s.Role):
			p.add(key+".role", "unknown role %q (one of specialist, general_manager, quality, staff)", s.Role)
		}
		if s.Slack != "" {
			if !reSlackUser.MatchString(s.Slack) {
				p.add(key+".slack", "not a Slack user id")
			} else if first, dup := slack[s.Slack]; dup {
				p.add(key+".slack", "Slack user %s is already %s", s.Slack, first)
			} else {
				slack[s.Slack] = key
			}
		}
		if s.TelegramID < 0 {
			p.add(key+".telegram_id", "%d is not a Telegram user id (group chats are negative; users are not)", s.TelegramID)
		} else if s.TelegramID > 0 {
			if first, dup := tg[s.TelegramID]; dup {
				p.add(key+".telegram_id", "Telegram user %d is already %s", s.TelegramID, first)
			} else {
				tg[s.TelegramID] = key
			}
		}
		if s.Phone != "" && !reMobileCN.MatchString(s.Phone) && !reIntlPhone.MatchString(s.Phone) {
			p.add(key+".phone", "%q is not a mobile number (11 digits 1[3-9]…, or +country code and number)", s.Phone)
		}
	}
	for i, d := range c.Departments {
		key := fmt.Sprintf("departments[%d]", i)
		checkID(p, key+".id", d.ID, "department", deptIDs)
		if strings.TrimSpace(d.Name) == "" {
			p.add(key+".name", "required")
		}
		if len(d.Managers) == 0 {
			p.add(key+".managers", "at least one manager is required: dispatched complaints go to them")
		}
		for j, s := range d.Managers {
			checkStaff(fmt.Sprintf("%s.managers[%d]", key, j), s, RoleManager)
		}
		for j, s := range d.Handlers {
			checkStaff(fmt.Sprintf("%s.handlers[%d]", key, j), s, RoleHandler)
		}
	}
	specialists, gms := 0, 0
	for i, s := range c.Staff {
		checkStaff(fmt.Sprintf("staff[%d]", i), s, "")
		switch s.Role {
		case RoleSpecialist:
			specialists++
		case RoleGeneralManager:
			gms++
		}
	}
	if specialists == 0 {
		p.add("staff", "at least one specialist (role: specialist) is required")
	}
	if gms != 1 {
		p.add("staff", "exactly one general_manager is required, found %d", gms)
	}
}

// checkID checks an id's shape and that it is unique in seen (id → key).
func checkID(p *problems, key, id, what string, seen map[string]string) {
	switch {
	case id == "":
		p.add(key, "required")
	case !reID.MatchString(id):
		p.add(key, "%q is not an id (letters, digits, _ . -; at most 32)", id)
	default:
		if first, dup := seen[id]; dup {
			p.add(key, "duplicate %s id %q (also %s)", what, id, first)
			return
		}
		seen[id] = key
	}
}

func (c *Config) validateCategories(p *problems) {
	if len(c.Categories) == 0 {
		p.add("categories", "at least one category is required")
	}
	ids := map[string]string{}
	for i, cat := range c.Categories {
		key := fmt.Sprintf("categories[%d]", i)
		checkID(p, key+".id", cat.ID, "category", ids)
		if strings.TrimSpace(cat.Name) == "" {
			p.add(key+".name", "required")
		}
		if cat.Department == "" {
			p.add(key+".department", "required: the department complaints of this kind go to")
		} else if _, ok := c.Department(cat.Department); !ok {
			p.add(key+".department", "unknown department %q", cat.Department)
		}
		seen := map[string]bool{}
		for j, k := range cat.Keywords {
			kkey := fmt.Sprintf("%s.keywords[%d]", key, j)
			switch {
			case strings.TrimSpace(k) == "":
				p.add(kkey, "empty")
			case seen[k]:
				p.add(kkey, "%q listed twice", k)
			}
			seen[k] = true
		}
	}
}

func (c *Config) validateCommunities(p *problems) {
	if len(c.Communities) == 0 {
		p.add("communities", "at least one community is required")
	}
	ids := map[string]string{}
	names := map[string]string{} // name or alias → key
	name := func(key, n string) {
		if strings.TrimSpace(n) == "" {
			p.add(key, "required")
			return
		}
		if first, dup := names[n]; dup {
			p.add(key, "%q already names %s", n, first)
			return
		}
		names[n] = key
	}
	for i, cm := range c.Communities {
		key := fmt.Sprintf("communities[%d]", i)
		checkID(p, key+".id", cm.ID, "community", ids)
		name(key+".name", cm.Name)
		for j, a := range cm.Aliases {
			name(fmt.Sprintf("%s.aliases[%d]", key, j), a)
		}
		seen := map[string]bool{}
		for j, b := range cm.Buildings {
			bkey := fmt.Sprintf("%s.buildings[%d]", key, j)
			switch {
			case strings.TrimSpace(b) == "":
				p.add(bkey, "empty")
			case seen[b]:
				p.add(bkey, "%q listed twice", b)
			}
			seen[b] = true
		}
		if cm.WeChatTagID < 0 {
			p.add(key+".wechat_tag_id", "%d must not be negative", cm.WeChatTagID)
		}
		validateCoordinates(p, key, cm.Lat, cm.Lng)
	}
}

// validateConversation checks the emergency and urgent words: none empty,
// none twice, none in both lists.
func (c *Config) validateConversation(p *problems) {
	// words checks one list; also, when set, names the other list a word
	// may not be in as well.
	words := func(list string, ws []string, also map[string]bool) map[string]bool {
		seen := map[string]bool{}
		for i, w := range ws {
			key := fmt.Sprintf("conversation.%s[%d]", list, i)
			w = strings.TrimSpace(w)
			switch {
			case w == "":
				p.add(key, "empty")
			case seen[w]:
				p.add(key, "%q listed twice", w)
			case also[w]:
				p.add(key, "%q is also an emergency word: list it once", w)
			}
			seen[w] = true
		}
		return seen
	}
	words("urgent_words", c.Conversation.UrgentWords, words("emergency_words", c.Conversation.EmergencyWords, nil))
}

// validatePlatforms checks the credentials that are present. A platform
// whose secrets are all absent is off; one with only some of them is an
// error, because it would run with its signature check missing or fail at
// the first message.
func (c *Config) validatePlatforms(p *problems) {
	t := c.Telegram
	if t.Token != "" && !reTelegramTok.MatchString(t.Token) {
		p.add("HEED_TELEGRAM_TOKEN", "not a Telegram bot token (digits:letters, as BotFather gives it)")
	}
	if t.Token != "" && t.WebhookSecret == "" {
		p.add("HEED_TELEGRAM_WEBHOOK_SECRET", "required when HEED_TELEGRAM_TOKEN is set: it authenticates webhook calls")
	}
	if t.Token == "" && t.WebhookSecret != "" {
		p.add("HEED_TELEGRAM_TOKEN", "required when HEED_TELEGRAM_WEBHOOK_SECRET is set")
	}
	if t.WebhookSecret != "" && !reTGSecret.MatchString(t.WebhookSecret) {
		p.add("HEED_TELEGRAM_WEBHOOK_SECRET", "Telegram allows 1–256 characters A-Z a-z 0-9 _ -")
	}
	checkURL(p, "telegram.api_url", t.APIURL)

	s := c.Slack
	if s.BotToken != "" && s.SigningSecret == "" {
		p.add("HEED_SLACK_SIGNING_SECRET", "required when HEED_SLACK_BOT_TOKEN is set: it authenticates Slack's requests")
	}
	if s.BotToken == "" && s.SigningSecret != "" {
		p.add("HEED_SLACK_BOT_TOKEN", "required when HEED_SLACK_SIGNING_SECRET is set")
	}
	checkURL(p, "slack.api_url", s.APIURL)

	w := c.WeChat
	if w.AppSecret != "" || w.Token != "" || w.AESKey != "" {
		if w.AppID == "" {
			p.add("wechat.app_id", "required when WeChat secrets are set (or HEED_WECHAT_APP_ID)")
		}
		if w.AppSecret == "" {
			p.add("HEED_WECHAT_APP_SECRET", "required when other WeChat credentials are set")
		}
		if w.Token == "" {
			p.add("HEED_WECHAT_TOKEN", "required when other WeChat credentials are set: it authenticates WeChat's requests")
		}
	}
	if w.AESKey != "" {
		if k, err := base64.StdEncoding.DecodeString(w.AESKey + "="); len(w.AESKey) != 43 || err != nil || len(k) != 32 {
			p.add("HEED_WECHAT_AES_KEY", "not an EncodingAESKey (43 characters, as the WeChat console gives it)")
		}
	}
	checkURL(p, "wechat.api_url", w.APIURL)
	switch w.Mode {
	case "", WeChatPlaintext:
	case WeChatCompatible, WeChatSafe:
		if w.AESKey == "" && (w.AppSecret != "" || w.Token != "") {
			p.add("HEED_WECHAT_AES_KEY", "required when wechat.mode is %s: WeChat encrypts its posts with it", w.Mode)
		}
	default:
		p.add("wechat.mode", "%q is not a WeChat message mode: plaintext, compatible or safe", w.Mode)
	}
	for _, name := range slices.Sorted(maps.Keys(w.Templates)) {
		tpl, key := w.Templates[name], "wechat.templates."+name
		if !reID.MatchString(name) {
			p.add(key, "%q is not a template name (letters, digits, _ . -)", name)
		}
		if strings.TrimSpace(tpl.ID) == "" {
			p.add(key+".id", "required: the template id from the WeChat console (模板消息 → 我的模板)")
		}
		checkURL(p, key+".url", tpl.URL)
		if len(tpl.Fields) == 0 {
			p.add(key+".fields", "at least one field is required, e.g. keyword1: \"{{.Serial}}\"")
		}
		for _, f := range slices.Sorted(maps.Keys(tpl.Fields)) {
			fkey := key + ".fields." + f
			if !reTemplateField.MatchString(f) {
				p.add(fkey, "%q is not a template field name (letters, digits, _)", f)
			}
			if _, err := template.New(f).Funcs(wechatTemplateFuncs).Option("missingkey=error").Parse(tpl.Fields[f]); err != nil {
				p.add(fkey, "not a valid template: %v", err)
			}
		}
	}
}

// WeChat message modes (wechat.mode).
const (
	WeChatPlaintext  = "plaintext"
	WeChatCompatible = "compatible"
	WeChatSafe       = "safe"
)

// reTemplateField is a template message field name: first, keyword1,
// thing2, character_string3, remark.
var reTemplateField = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,31}$`)

// wechatTemplateFuncs are the functions a template field may use; only
// their names matter here (bots/wechat has the real ones).
var wechatTemplateFuncs = template.FuncMap{"clip": func(n int, s string) string { return s }}

func checkURL(p *problems, key, v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add(key, "%q is not an http(s) URL", v)
	}
}

// Roles lists every Role.
var Roles = []Role{RoleSpecialist, RoleManager, RoleHandler, RoleGeneralManager, RoleQuality, RoleStaff}

// validateCoordinates checks a community's optional lat and lng: both or
// neither, within range.
func validateCoordinates(p *problems, key string, lat, lng *float64) {
	switch {
	case lat == nil && lng == nil:
		return
	case lat == nil:
		p.add(key+".lat", "required with lng")
	case lng == nil:
		p.add(key+".lng", "required with lat")
	}
	if lat != nil && (*lat < -90 || *lat > 90 || math.IsNaN(*lat)) {
		p.add(key+".lat", "%v is not a latitude (-90 to 90 degrees)", *lat)
	}
	if lng != nil && (*lng < -180 || *lng > 180 || math.IsNaN(*lng)) {
		p.add(key+".lng", "%v is not a longitude (-180 to 180 degrees)", *lng)
	}
}
