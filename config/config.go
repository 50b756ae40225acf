// Package config loads heed's configuration: a YAML file plus environment
// overrides, secrets from the environment or *_FILE, validated at start with
// errors that name the offending key. The typed Config is passed explicitly;
// there is no global.
package config

// Config is the whole of heed's configuration.
type Config struct {
	Company     Company      `yaml:"company"`
	Listen      string       `yaml:"listen"`       // HEED_LISTEN, default 127.0.0.1:8080
	DatabaseURL string       `yaml:"database_url"` // DATABASE_URL
	APIToken    string       `yaml:"-"`            // HEED_API_TOKEN (secret: env or _FILE only)
	Serial      SerialConfig `yaml:"serial"`
	Calendar    Calendar     `yaml:"calendar"`
	Clock       Clock        `yaml:"clock"`
	Rules       Rules        `yaml:"rules"`

	Conversation Conversation `yaml:"conversation"`

	Departments []Department `yaml:"departments"`
	// Staff who are not bound to one department: complaint specialists, the
	// general manager, the quality representative.
	Staff       []Staff     `yaml:"staff"`
	Categories  []Category  `yaml:"categories"`
	Communities []Community `yaml:"communities"`

	Revisit Revisit `yaml:"revisit"`
	// Surveys are the satisfaction questionnaires (问卷) that can be sent
	// to a community's owners (config/surveys.go).
	Surveys []Survey `yaml:"surveys"`

	// Team is where the specialists' and the general manager's cards go
	// (departments name their own chats).
	Team Team `yaml:"team"`
	// Developer receives the complaints its estate's defects cause
	// (开发商遗留问题, 004 §7.2.4); HeadOffice the results owners dispute
	// (003 §5.6); Closing says when cases close on their own (paths.go).
	Developer  Party   `yaml:"developer"`
	HeadOffice Party   `yaml:"head_office"`
	Closing    Closing `yaml:"closing"`

	Telegram Telegram `yaml:"telegram"`
	Slack    Slack    `yaml:"slack"`
	WeChat   WeChat   `yaml:"wechat"`

	// PublicURL is where owners and platforms reach heed (HEED_PUBLIC_URL),
	// e.g. https://heed.example.com behind a TLS proxy: https makes the web
	// chat's cookie Secure. "" is local development over plain http.
	PublicURL string `yaml:"public_url"`
	// WebChat bounds what the public web chat takes from one session or
	// address (zero values are the defaults).
	WebChat WebChat `yaml:"web_chat"`
	// Desk is the complaint desk in a browser (config/desk.go).
	Desk Desk `yaml:"desk"`
}

// WebChat bounds the public web chat: photo bytes stored per session (in a
// day) and per complaint being filled in, messages per minute per session
// and per client address. Zero is the default; TrustedProxies are the
// addresses (CIDR) whose X-Forwarded-For names the client.
type WebChat struct {
	UploadMBPerSession     int      `yaml:"upload_mb_per_session"`      // default 50 a day
	UploadMBPerDraft       int      `yaml:"upload_mb_per_draft"`        // default 30
	MessagesPerMinute      int      `yaml:"messages_per_minute"`        // default 20
	MessagesPerMinutePerIP int      `yaml:"messages_per_minute_per_ip"` // default 120
	TrustedProxies         []string `yaml:"trusted_proxies"`
}

// Company names the property company the bot speaks for.
type Company struct {
	Name            string   `yaml:"name"`
	Hotline         string   `yaml:"hotline"`
	Emergency       []string `yaml:"emergency_numbers"` // e.g. "119 火警", "物业24小时值班 027-8888 0000"
	DefaultLanguage string   `yaml:"default_language"`  // zh-CN (default), zh-TW, en
}

// SerialConfig is the serial-number format, e.g. "TS-{yyyy}-{seq:6}".
type SerialConfig struct {
	Format string `yaml:"format"`
}

// Calendar is the business calendar the clock counts working time in.
type Calendar struct {
	TimeZone string   `yaml:"time_zone"` // IANA name, default Asia/Shanghai
	DayStart string   `yaml:"day_start"` // "09:00"
	DayEnd   string   `yaml:"day_end"`   // "18:00"
	Weekdays []string `yaml:"weekdays"`  // working weekdays: mon tue wed thu fri
	// Official is the official calendar of public holidays and make-up
	// workdays (调休) counted besides the weekdays: "cn" (default) is
	// mainland China's, as published by the State Council and carried by
	// github.com/6tail/lunar-go; "none" counts only the configuration (a
	// company outside the mainland).
	Official string `yaml:"official"`
	// Holidays are the company's own days off (e.g. a founding day), and
	// Workdays days it works although they are weekends or official
	// holidays. Both win over the official calendar.
	Holidays []string `yaml:"holidays"` // dates "2026-10-01" that are not worked
	Workdays []string `yaml:"workdays"` // dates worked although weekends or holidays, "2026-09-28"
}

// Official calendars (calendar.official).
const (
	OfficialCN   = "cn"
	OfficialNone = "none"
)

// Clock holds the procedure's deadlines. Each value is a duration spec:
// "24h" (elapsed hours), "2wh" (working hours), "3wd" (working days),
// "1mo" (calendar months), "10m" (minutes).
type Clock struct {
	Acknowledge         string `yaml:"acknowledge"`           // 24h from receipt
	Dispatch            string `yaml:"dispatch"`              // 5h from receipt
	InvestigateWorking  string `yaml:"investigate_working"`   // 8h from dispatch in working time
	InvestigateOffHours string `yaml:"investigate_off_hours"` // 24h from dispatch outside it
	Measures            string `yaml:"measures"`              // 72h from dispatch
	Reply               string `yaml:"reply"`                 // 3wd from receipt
	UrgentReply         string `yaml:"urgent_reply"`          // 2h from receipt
	Major               string `yaml:"major"`                 // 1mo from receipt
}

// Rules are the escalation thresholds.
type Rules struct {
	// Dispatch is "auto" (default): a new case goes at once to its category's
	// department; or "manual": the specialist judges validity and dispatches.
	Dispatch string `yaml:"dispatch"`
	// RemindAt is the share of a deadline's time after which the people
	// responsible get a reminder (0.8 = at 80 %); 0 turns reminders off.
	RemindAt          float64 `yaml:"remind_at"`
	CollectiveMajorAt int     `yaml:"collective_major_at"` // complainants that make a case major (10)
	RepeatWindow      string  `yaml:"repeat_window"`       // e.g. "90d": same owner+category+unit within it is a repeat
	MaxTextBytes      int     `yaml:"max_text_bytes"`      // longest free text accepted, default 65536
	// OwnerRate is how fast one owner may write on Telegram, WeChat and
	// Slack: "20/1m" (default) lets 20 messages through at once and 20 a
	// minute after that; "off" lifts it. Faster messages are kept in the
	// transcript but not answered (see OwnerLimit).
	OwnerRate string `yaml:"owner_rate"`
	// MajorSignals are the signals in an owner's own words (signals.go)
	// that make a new case major (重大投诉): lawsuit and media by default;
	// an empty list, none. The others are shown on the cards as warnings
	// and counted in the analysis.
	MajorSignals []string `yaml:"major_signals"`
}

// Conversation tunes how heed reads owners' messages (package
// conversation/understand). An empty list takes its default
// (DefaultEmergencyWords, DefaultUrgentWords).
type Conversation struct {
	// Words that make a complaint an emergency: fire, gas, people trapped
	// in a lift, flooding, a break-in in progress. The owner is shown the
	// emergency numbers at once and the case is marked emergency.
	EmergencyWords []string `yaml:"emergency_words"`
	// Words that make a complaint urgent (the urgent reply clock).
	UrgentWords []string `yaml:"urgent_words"`
}

// Department handles complaints of its kind.
type Department struct {
	ID       string  `yaml:"id"`   // stable key, e.g. "engineering"
	Name     string  `yaml:"name"` // 工程部
	Managers []Staff `yaml:"managers"`
	Handlers []Staff `yaml:"handlers"`
	// Team chat where its dispatch cards go.
	SlackChannel   string `yaml:"slack_channel"`
	TelegramChatID int64  `yaml:"telegram_chat_id"`
}

// Role is what a staff member may do.
type Role string

const (
	RoleSpecialist     Role = "specialist"
	RoleManager        Role = "manager"
	RoleHandler        Role = "handler"
	RoleGeneralManager Role = "general_manager"
	RoleQuality        Role = "quality"
	RoleStaff          Role = "staff"
)

// Staff is one person who works cases. Their team-chat identities let a
// button press be tied to them.
type Staff struct {
	ID         string `yaml:"id"`
	Name       string `yaml:"name"`
	Role       Role   `yaml:"role"`        // for entries under staff:; managers/handlers get theirs from the list they are in
	Slack      string `yaml:"slack"`       // Slack user id, U… or W…
	TelegramID int64  `yaml:"telegram_id"` // Telegram user id
	Phone      string `yaml:"phone"`
}

// Category is a kind of complaint (投诉性质).
type Category struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"` // 工程维修
	Department string   `yaml:"department"`
	Keywords   []string `yaml:"keywords"`
	// Examples are messages of this category in the company's own words;
	// heed's classifier learns from them besides its corpus and the
	// keywords (conversation/understand).
	Examples []string `yaml:"examples"`
}

// Community is a residential estate (小区).
type Community struct {
	ID             string   `yaml:"id"`
	Name           string   `yaml:"name"`
	Aliases        []string `yaml:"aliases"`
	Buildings      []string `yaml:"buildings"`
	SlackChannel   string   `yaml:"slack_channel"`
	TelegramChatID int64    `yaml:"telegram_chat_id"`
	WeChatTagID    int64    `yaml:"wechat_tag_id"`
	// Lat and Lng locate the community (degrees, as the map apps owners use
	// give them: GCJ-02 in mainland China). Optional, both or neither: with
	// them, a place an owner shares is matched to the nearest community.
	Lat *float64 `yaml:"lat"`
	Lng *float64 `yaml:"lng"`
}

// Revisit is how heed asks owners about a handled complaint (回访).
type Revisit struct {
	// Ratio of valid cases revisited: 1 (default) is every one (000, 001);
	// 0.3 revisits exactly 3 of every 10, in the order cases come up.
	Ratio float64 `yaml:"ratio"`
	// FeedbackWait: with no answer to "problem solved?" after this long, the
	// revisit starts anyway.
	FeedbackWait string `yaml:"feedback_wait"`
	// ReminderAfter: one reminder when the questionnaire is unanswered this long.
	ReminderAfter string `yaml:"reminder_after"`
	// NoResponseAfter: after the reminder, this long without an answer puts
	// the owner on the specialists' call list.
	NoResponseAfter string `yaml:"no_response_after"`
	// LowScore: a satisfaction at or below it reopens the case and tells the
	// specialists.
	LowScore int `yaml:"low_score"`
}

// Team names the team chats of the roles that are not departments.
type Team struct {
	Specialists    TeamChat `yaml:"specialists"`
	GeneralManager TeamChat `yaml:"general_manager"`
}

// TeamChat is a Slack channel and/or a Telegram group.
type TeamChat struct {
	SlackChannel   string `yaml:"slack_channel"`
	TelegramChatID int64  `yaml:"telegram_chat_id"`
}

// Telegram is the owner bot on Telegram.
type Telegram struct {
	Token         string `yaml:"-"` // HEED_TELEGRAM_TOKEN
	WebhookSecret string `yaml:"-"` // HEED_TELEGRAM_WEBHOOK_SECRET
	APIURL        string `yaml:"api_url"`
}

// Slack is the Slack app.
type Slack struct {
	BotToken      string `yaml:"-"` // HEED_SLACK_BOT_TOKEN
	SigningSecret string `yaml:"-"` // HEED_SLACK_SIGNING_SECRET
	APIURL        string `yaml:"api_url"`
}

// WeChat is the WeChat Official Account.
type WeChat struct {
	AppID     string `yaml:"app_id"`
	AppSecret string `yaml:"-"` // HEED_WECHAT_APP_SECRET
	Token     string `yaml:"-"` // HEED_WECHAT_TOKEN
	AESKey    string `yaml:"-"` // HEED_WECHAT_AES_KEY
	APIURL    string `yaml:"api_url"`
	// Mode is the message encryption mode chosen in the WeChat console
	// (消息加解密方式): plaintext (明文模式), compatible (兼容模式: both
	// accepted) or safe (安全模式: only AES-encrypted posts). Empty: safe
	// when HEED_WECHAT_AES_KEY is set, plaintext otherwise.
	Mode string `yaml:"mode"`
	// ChoiceMenu sends an answer's choices as a clickable customer-service
	// menu (msgmenu) instead of numbered lines.
	ChoiceMenu bool `yaml:"choice_menu"`
	// Templates are the template messages (模板消息) sent when an owner is
	// outside WeChat's 48-hour customer-service window. Key case_update is
	// used for every answer and notice; without it such a message cannot be
	// delivered until the owner writes again.
	Templates map[string]WeChatTemplate `yaml:"templates"`
}

// WeChatTemplate is one template message: its id in the WeChat console and
// what goes into each of its fields. A field's value is a Go text/template
// over .Text (the message), .Choices (its numbered choices), .Serial (the
// case), .Time (when sent, "2006-01-02 15:04" China time), with the function
// clip: {{clip 20 .Text}} keeps at most 20 characters (WeChat refuses
// longer "thing" fields).
type WeChatTemplate struct {
	ID     string            `yaml:"id"`
	URL    string            `yaml:"url"`    // opened when the owner taps the message; optional
	Fields map[string]string `yaml:"fields"` // field name (first, keyword1, thing2, remark…) → value template
}
