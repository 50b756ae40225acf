package wechat

import "time"

// SetNow sets the bot's clock (webhook freshness, the 48-hour window, token expiry).
func (b *Bot) SetNow(now func() time.Time) { b.now = now }
