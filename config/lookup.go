package config

// Lookups scan the configuration's lists: they are short (tens of people),
// and a Config with no hidden indexes can be copied and built by hand in
// tests without a constructor.

// StaffRef is a staff member together with the standing they act in.
type StaffRef struct {
	Staff      Staff
	Role       Role   // manager and handler from the department list they are in
	Department string // department id; "" for staff not bound to a department
}

// eachStaff calls f for every staff member with their standing until f
// returns true.
func (c *Config) eachStaff(f func(StaffRef) bool) (StaffRef, bool) {
	for _, d := range c.Departments {
		for _, s := range d.Managers {
			if r := (StaffRef{Staff: s, Role: RoleManager, Department: d.ID}); f(r) {
				return r, true
			}
		}
		for _, s := range d.Handlers {
			if r := (StaffRef{Staff: s, Role: RoleHandler, Department: d.ID}); f(r) {
				return r, true
			}
		}
	}
	for _, s := range c.Staff {
		if r := (StaffRef{Staff: s, Role: s.Role}); f(r) {
			return r, true
		}
	}
	return StaffRef{}, false
}

// StaffByID finds a staff member by their configured id.
func (c *Config) StaffByID(id string) (StaffRef, bool) {
	if id == "" {
		return StaffRef{}, false
	}
	return c.eachStaff(func(r StaffRef) bool { return r.Staff.ID == id })
}

// StaffBySlack finds a staff member by Slack user id (U… or W…).
func (c *Config) StaffBySlack(userID string) (StaffRef, bool) {
	if userID == "" {
		return StaffRef{}, false
	}
	return c.eachStaff(func(r StaffRef) bool { return r.Staff.Slack == userID })
}

// StaffByTelegram finds a staff member by Telegram user id.
func (c *Config) StaffByTelegram(id int64) (StaffRef, bool) {
	if id == 0 {
		return StaffRef{}, false
	}
	return c.eachStaff(func(r StaffRef) bool { return r.Staff.TelegramID == id })
}

// AllStaff lists everyone with their standing: department managers and
// handlers in file order, then the staff list.
func (c *Config) AllStaff() []StaffRef {
	var all []StaffRef
	c.eachStaff(func(r StaffRef) bool { all = append(all, r); return false })
	return all
}

// Department finds a department by id. The pointer is into c.Departments.
func (c *Config) Department(id string) (*Department, bool) {
	for i := range c.Departments {
		if c.Departments[i].ID == id {
			return &c.Departments[i], true
		}
	}
	return nil, false
}

// Category finds a category by id. The pointer is into c.Categories.
func (c *Config) Category(id string) (*Category, bool) {
	for i := range c.Categories {
		if c.Categories[i].ID == id {
			return &c.Categories[i], true
		}
	}
	return nil, false
}

// Community finds a community by id. The pointer is into c.Communities.
func (c *Config) Community(id string) (*Community, bool) {
	for i := range c.Communities {
		if c.Communities[i].ID == id {
			return &c.Communities[i], true
		}
	}
	return nil, false
}

// CommunityByName finds a community by its exact name or one of its
// aliases (Validate keeps names and aliases unique across communities).
func (c *Config) CommunityByName(name string) (*Community, bool) {
	if name == "" {
		return nil, false
	}
	for i := range c.Communities {
		cm := &c.Communities[i]
		if cm.Name == name {
			return cm, true
		}
		for _, a := range cm.Aliases {
			if a == name {
				return cm, true
			}
		}
	}
	return nil, false
}

// GeneralManager is the one staff member with role general_manager (the
// zero Staff if the configuration has none, which Validate refuses).
func (c *Config) GeneralManager() Staff {
	for _, s := range c.Staff {
		if s.Role == RoleGeneralManager {
			return s
		}
	}
	return Staff{}
}

// Specialists are the complaint specialists, in file order.
func (c *Config) Specialists() []Staff {
	return c.staffWithRole(RoleSpecialist)
}

// Quality are the quality / management representatives, in file order.
func (c *Config) Quality() []Staff {
	return c.staffWithRole(RoleQuality)
}

func (c *Config) staffWithRole(role Role) []Staff {
	var out []Staff
	for _, s := range c.Staff {
		if s.Role == role {
			out = append(out, s)
		}
	}
	return out
}

// Enabled reports whether the Telegram bot has its credentials.
func (t Telegram) Enabled() bool { return t.Token != "" && t.WebhookSecret != "" }

// Enabled reports whether the Slack app has its credentials.
func (s Slack) Enabled() bool { return s.BotToken != "" && s.SigningSecret != "" }

// Enabled reports whether the WeChat Official Account has its credentials.
func (w WeChat) Enabled() bool { return w.AppID != "" && w.AppSecret != "" && w.Token != "" }

// Oversees says whether the staff member is on the complaint desk that
// oversees every case — a specialist, the quality representative or the
// general manager — and so may run revisits, post bulletins and read the
// analysis.
func (r StaffRef) Oversees() bool {
	return r.Role == RoleSpecialist || r.Role == RoleQuality || r.Role == RoleGeneralManager
}

// PlatformsOn says which chat platforms are configured: "telegram", "slack"
// and "wechat" to true or false.
func (c *Config) PlatformsOn() map[string]bool {
	return map[string]bool{"telegram": c.Telegram.Enabled(), "slack": c.Slack.Enabled(), "wechat": c.WeChat.Enabled()}
}
