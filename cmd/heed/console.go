package main

import (
	"context"
	"time"

	"github.com/heedhq/heed/bots/console"
)

// mountConsole serves the complaint desk in a browser under /desk/
// (bots/console): the register, the deadline board, sign-in by a link sent
// to a person's own Slack or Telegram chat.
func (s *server) mountConsole() {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, err := console.New(ctx, s.svc, s.desk, s.log)
	if err != nil {
		s.log.Error("desk: the console in a browser is not served", "err", err)
		return
	}
	c.Follow(s.feed) // live pages: a change made in chat shows without a reload
	if s.engine != nil {
		c.SetSurveys(s.engine) // the survey pages (deskoffice)
	}
	c.Register(s.mux)
}
