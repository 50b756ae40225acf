package config

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// The checks of the organisation: departments and staff (ids, roles,
// chat identities), the categories and the communities.

// Roles lists every Role.
var Roles = []Role{RoleSpecialist, RoleManager, RoleHandler, RoleGeneralManager, RoleQuality, RoleStaff}

var (
	reSlackUser = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	reMobileCN  = regexp.MustCompile(`^1[3-9]\d{9}$`)
	reIntlPhone = regexp.MustCompile(`^\+[1-9]\d{6,14}$`)
)

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
		uniqueWords(p, key+".keywords", cat.Keywords)
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
		uniqueWords(p, key+".buildings", cm.Buildings)
		if cm.WeChatTagID < 0 {
			p.add(key+".wechat_tag_id", "%d must not be negative", cm.WeChatTagID)
		}
		validateCoordinates(p, key, cm.Lat, cm.Lng)
	}
}

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

// uniqueWords checks a list of words (keywords, buildings): none empty,
// none listed twice; key is the list's, each problem names its item.
func uniqueWords(p *problems, key string, words []string) {
	seen := map[string]bool{}
	for j, w := range words {
		wkey := fmt.Sprintf("%s[%d]", key, j)
		switch {
		case strings.TrimSpace(w) == "":
			p.add(wkey, "empty")
		case seen[w]:
			p.add(wkey, "%q listed twice", w)
		}
		seen[w] = true
	}
}
