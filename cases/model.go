// Package cases is the complaint record (客户投诉处理记录表 B01, the register and
// the dispatch notice), its lifecycle and who may move it, the business-calendar
// clock, the escalation rules, serial numbers, the append-only history and the
// PostgreSQL store that keeps all of it.
package cases

import (
	"encoding/json"
	"time"

	"github.com/lib/pq"
)

// Status is where a case stands in the procedure.
type Status string

const (
	StatusReceived         Status = "received"          // 受理
	StatusValidated        Status = "validated"         // judged valid, waiting for dispatch
	StatusInvalid          Status = "invalid"           // 无效投诉: explained to the owner, closed as invalid
	StatusDispatched       Status = "dispatched"        // 派单
	StatusAcknowledged     Status = "acknowledged"      // 部门受理
	StatusInvestigating    Status = "investigating"     // 调查处理中
	StatusMeasuresProposed Status = "measures_proposed" // 处理措施 submitted by the department
	StatusAwaitingApproval Status = "awaiting_approval" // major: waiting for the general manager
	StatusReviewed         Status = "reviewed"          // measures accepted by the specialist (and GM)
	StatusReplied          Status = "replied"           // answered to the owner
	StatusFeedback         Status = "feedback_received" // owner said they are satisfied
	StatusVerified         Status = "verified"          // revisit done (回访)
	StatusClosed           Status = "closed"            // 投诉闭合
	StatusArchived         Status = "archived"
)

// Statuses lists every status in procedure order.
var Statuses = []Status{StatusReceived, StatusValidated, StatusInvalid, StatusDispatched,
	StatusAcknowledged, StatusInvestigating, StatusMeasuresProposed, StatusAwaitingApproval,
	StatusReviewed, StatusReplied, StatusFeedback, StatusVerified, StatusClosed, StatusArchived}

// Open reports whether the case still needs work.
func (s Status) Open() bool {
	switch s {
	case StatusInvalid, StatusClosed, StatusArchived:
		return false
	}
	return true
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Channel is where a complaint came from.
type Channel string

const (
	ChannelTelegram Channel = "telegram"
	ChannelSlack    Channel = "slack"
	ChannelWeChat   Channel = "wechat"
	ChannelWeb      Channel = "web"
	ChannelPhone    Channel = "phone"
	ChannelWalkIn   Channel = "walk_in"
	ChannelLetter   Channel = "letter"
	ChannelEmail    Channel = "email"
	ChannelAPI      Channel = "api"
	ChannelSystem   Channel = "system"
)

// StaffChannels are the ways a staff member records a complaint for an owner.
var StaffChannels = []Channel{ChannelPhone, ChannelWalkIn, ChannelLetter, ChannelEmail}

// Urgency of a complaint; urgent ones run on the 2-hour clock.
type Urgency string

const (
	UrgencyNormal    Urgency = "normal"
	UrgencyUrgent    Urgency = "urgent"
	UrgencyEmergency Urgency = "emergency" // fire, gas, people trapped: urgent and dispatched at once
)

// Urgent reports whether the short clock applies.
func (u Urgency) Urgent() bool { return u == UrgencyUrgent || u == UrgencyEmergency }

// Validity is the specialist's judgement (有效 / 无效投诉).
type Validity string

const (
	ValidityPending Validity = "pending"
	ValidityValid   Validity = "valid"
	ValidityInvalid Validity = "invalid"
)

// Case is one complaint with every field of the B01 record, the register
// and the dispatch notice.
type Case struct {
	ID               int64      `db:"id" json:"-"`
	Serial           string     `db:"serial" json:"serial"`
	Version          int        `db:"version" json:"version"`
	Status           Status     `db:"status" json:"status"`
	Channel          Channel    `db:"channel" json:"channel"`
	OwnerRef         string     `db:"owner_ref" json:"owner_ref,omitempty"` // "telegram:123": who to answer
	CustomerName     string     `db:"customer_name" json:"customer_name"`
	ContactPhone     string     `db:"contact_phone" json:"contact_phone"`
	Address          string     `db:"address" json:"address"`
	Community        string     `db:"community" json:"community"`
	Unit             string     `db:"unit" json:"unit"` // 楼栋房号
	Content          string     `db:"content" json:"content"`
	Purpose          string     `db:"purpose" json:"purpose"` // 投诉目的、要求
	RequestedReplyBy *time.Time `db:"requested_reply_by" json:"requested_reply_by,omitempty"`
	Category         string     `db:"category" json:"category"`
	Urgency          Urgency    `db:"urgency" json:"urgency"`
	Language         string     `db:"language" json:"language"`
	ReceivedAt       time.Time  `db:"received_at" json:"received_at"`
	RecordedBy       string     `db:"recorded_by" json:"recorded_by"`
	Summary          string     `db:"summary" json:"summary"`

	SpecialistOpinion string         `db:"specialist_opinion" json:"specialist_opinion"`
	Validity          Validity       `db:"validity" json:"validity"`
	ValidityReason    string         `db:"validity_reason" json:"validity_reason"`
	Department        string         `db:"department" json:"department"` // handling (lead) department
	Assisting         pq.StringArray `db:"assisting_departments" json:"assisting_departments"`
	Handler           string         `db:"handler" json:"handler"` // 经办人, a staff id
	Measures          string         `db:"measures" json:"measures"`
	ReviewOpinion     string         `db:"review_opinion" json:"review_opinion"`
	ReviewDeadline    *time.Time     `db:"review_deadline" json:"review_deadline,omitempty"`
	ApprovedBy        string         `db:"approved_by" json:"approved_by"`
	Reply             string         `db:"reply" json:"reply"`
	// ReplyDraft is the answer a specialist approved with the measures of a
	// major complaint; it goes to the owner when the general manager approves.
	ReplyDraft string `db:"reply_draft" json:"reply_draft,omitempty"`

	Feedback          string `db:"feedback" json:"feedback"` // 客户反馈意见
	FeedbackSatisfied *bool  `db:"feedback_satisfied" json:"feedback_satisfied,omitempty"`
	// Verification / revisit (回访), scores 1–5.
	VerifyTimeliness   *int   `db:"verify_timeliness" json:"verify_timeliness,omitempty"`
	VerifySatisfaction *int   `db:"verify_satisfaction" json:"verify_satisfaction,omitempty"`
	VerifyAttitude     *int   `db:"verify_attitude" json:"verify_attitude,omitempty"`
	VerifySuggestions  string `db:"verify_suggestions" json:"verify_suggestions"`
	Result             string `db:"result" json:"result"`
	CAPAReport         string `db:"capa_report" json:"capa_report"` // 纠正/预防措施报告编号
	// 责任界定
	Responsibility   string `db:"responsibility" json:"responsibility"` // quality_defect, improper_use, undetermined
	ResponsibleStaff string `db:"responsible_staff" json:"responsible_staff"`
	Accountability   string `db:"accountability" json:"accountability"`

	Major        bool       `db:"major" json:"major"`
	MajorReason  string     `db:"major_reason" json:"major_reason"`
	Lawsuit      bool       `db:"lawsuit" json:"lawsuit"`
	Media        bool       `db:"media" json:"media"`
	Repeat       bool       `db:"repeat" json:"repeat"`
	Complainants int        `db:"complainants" json:"complainants"`
	NeedsPerson  bool       `db:"needs_person" json:"needs_person"` // owner asked for a human (人工)
	ReopenCount  int        `db:"reopen_count" json:"reopen_count"`
	ClosedAt     *time.Time `db:"closed_at" json:"closed_at,omitempty"`

	// Signals of a major complaint (signals.go): lawsuit, media, hotline,
	// petition, collective — whether or not they made it major.
	Signals pq.StringArray `db:"signals" json:"signals"`

	// 开发商遗留问题 (004 §7.2.4): referred to the developer, followed up
	// until it answers; the answer is relayed to the owner.
	DeveloperReferredAt *time.Time `db:"developer_referred_at" json:"developer_referred_at,omitempty"`
	DeveloperRemindedAt *time.Time `db:"developer_reminded_at" json:"developer_reminded_at,omitempty"`
	DeveloperAnswer     string     `db:"developer_answer" json:"developer_answer,omitempty"`
	DeveloperAnsweredAt *time.Time `db:"developer_answered_at" json:"developer_answered_at,omitempty"`
	// The owner disputed the result: escalated to head office (003 §5.6).
	HeadOfficeAt *time.Time `db:"head_office_at" json:"head_office_at,omitempty"`
	Dispute      string     `db:"dispute" json:"dispute,omitempty"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at" json:"updated_at"`

	// Loaded with the case by Get.
	Attachments []Attachment     `db:"-" json:"attachments"`
	Links       []Link           `db:"-" json:"links"`
	Deadlines   []DeadlineRecord `db:"-" json:"deadlines"`
	Events      []Event          `db:"-" json:"events,omitempty"`
}

// Attachment is a reference to original material: a photo, voice note or file.
type Attachment struct {
	ID      int64     `db:"id" json:"id"`
	Kind    string    `db:"kind" json:"kind"` // photo, voice, file
	Ref     string    `db:"ref" json:"ref"`   // storage key or platform file id, e.g. "telegram:file:AgAD…"
	Name    string    `db:"name" json:"name"`
	MIME    string    `db:"mime" json:"mime"`
	Size    int64     `db:"size" json:"size"`
	AddedAt time.Time `db:"added_at" json:"added_at"`
	AddedBy string    `db:"added_by" json:"added_by"`
}

// LinkKind says how two cases are related.
type LinkKind string

const (
	LinkRelated    LinkKind = "related"
	LinkCollective LinkKind = "collective_member" // Related is an individual case of this collective case
	LinkRepeatOf   LinkKind = "repeat_of"         // this case repeats Related
)

// Link ties a case to another.
type Link struct {
	Kind   LinkKind `db:"kind" json:"kind"`
	Serial string   `db:"serial" json:"serial"`
	Status Status   `db:"status" json:"status"`
}

// DeadlineRecord is one step's deadline as the case keeps it.
type DeadlineRecord struct {
	Step         Step       `db:"step" json:"step"`
	Due          time.Time  `db:"due_at" json:"due_at"`
	MetAt        *time.Time `db:"met_at" json:"met_at,omitempty"`
	MissedAt     *time.Time `db:"missed_at" json:"missed_at,omitempty"`
	SupersededAt *time.Time `db:"superseded_at" json:"superseded_at,omitempty"`
}

// Met reports whether the step was done in time.
func (d DeadlineRecord) Met() bool { return d.MetAt != nil && !d.MetAt.After(d.Due) }

// ActorKind says who made a change.
type ActorKind string

const (
	ActorStaff  ActorKind = "staff"
	ActorOwner  ActorKind = "owner"
	ActorSystem ActorKind = "system"
)

// Actor is who asks for a change, and through which channel.
type Actor struct {
	Kind    ActorKind
	ID      string  // staff id, owner ref, or "system"
	Channel Channel // where the change came from
	// PlatformUser is the team-chat identity behind a staff action, e.g. "slack:U01…".
	PlatformUser string
}

// System is the actor of the clock and the rules.
var System = Actor{Kind: ActorSystem, ID: "system", Channel: ChannelSystem}

// Event is one entry of the append-only history.
type Event struct {
	ID           int64           `db:"id" json:"id"`
	At           time.Time       `db:"at" json:"at"`
	ActorKind    ActorKind       `db:"actor_kind" json:"actor_kind"`
	ActorID      string          `db:"actor_id" json:"actor_id"`
	ActorName    string          `db:"actor_name" json:"actor_name"`
	PlatformUser string          `db:"platform_user" json:"platform_user,omitempty"`
	Channel      Channel         `db:"channel" json:"channel"`
	Action       string          `db:"action" json:"action"`
	FromStatus   Status          `db:"from_status" json:"from_status"`
	ToStatus     Status          `db:"to_status" json:"to_status"`
	Changes      json.RawMessage `db:"changes" json:"changes"`
	Note         string          `db:"note" json:"note,omitempty"`
}
