package config

// Party is someone outside the property company a case is handed to: the
// developer (开发商) of the estate, or the group's head office (总部). Its
// team chat gets the case; Name and Contact are what the owner is told.
type Party struct {
	Name           string `yaml:"name"`    // 星河地产客服部 / 集团总部客户关系部
	Contact        string `yaml:"contact"` // a phone or address the owner may use
	SlackChannel   string `yaml:"slack_channel"`
	TelegramChatID int64  `yaml:"telegram_chat_id"`
	// FollowUp (developer): a reminder goes to its chat and the
	// specialists when it has not answered this long (default 3d).
	FollowUp string `yaml:"follow_up"`
}

// Chat is where the party's cases go.
func (p Party) Chat() TeamChat {
	return TeamChat{SlackChannel: p.SlackChannel, TelegramChatID: p.TelegramChatID}
}

// Configured reports whether the party has a chat to send cases to.
func (p Party) Configured() bool { return p.SlackChannel != "" || p.TelegramChatID != 0 }

// Closing is when cases close without a specialist's press.
type Closing struct {
	// AfterVerified: a case the owner was satisfied with at the revisit
	// closes on its own this long after (default 3d; "off": only the
	// specialist's 闭合 closes it).
	AfterVerified string `yaml:"after_verified"`
	// DisputeAfter: the owner's n-th 不满意 with the same case is a dispute
	// of the result and goes to head office (default 2; 0 is the default,
	// a negative number turns it off).
	DisputeAfter int `yaml:"dispute_after"`
}

func (c *Config) validatePaths(p *problems) {
	if v := c.Closing.AfterVerified; v != "off" {
		checkSpan(p, "closing.after_verified", v)
	}
	checkSpan(p, "developer.follow_up", c.Developer.FollowUp)
}

func (c *Config) pathDefaults() {
	setDefault(&c.Closing.AfterVerified, "3d")
	setDefault(&c.Developer.FollowUp, "3d")
	if c.Closing.DisputeAfter == 0 {
		c.Closing.DisputeAfter = 2
	}
}
