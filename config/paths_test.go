package config

import "testing"

// TestPathSpans: the closing and developer spans are checked with the grammar
// the sweep parses them with; "off" turns the automatic close off.
func TestPathSpans(t *testing.T) {
	c := loadExample(t)
	if c.Closing.AfterVerified != "3d" || c.Closing.DisputeAfter != 2 || c.Developer.FollowUp != "3d" || !c.Developer.Configured() {
		t.Fatalf("example: %+v %+v", c.Closing, c.Developer)
	}
	c.Closing.AfterVerified, c.Developer.FollowUp = "off", "2wd"
	sameProblems(t, c.Validate(), nil)
	c.Closing.AfterVerified, c.Developer.FollowUp = "soon", "1.5wd"
	sameProblems(t, c.Validate(), []string{
		`closing.after_verified: "soon" is not a duration spec (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
		`developer.follow_up: "1.5wd": working days are counted in whole numbers (e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)`,
	})
	var empty Config
	empty.ApplyDefaults()
	if empty.Closing.AfterVerified != "3d" || empty.Developer.FollowUp != "3d" || empty.Closing.DisputeAfter != 2 {
		t.Fatalf("defaults: %+v %+v", empty.Closing, empty.Developer)
	}
}
