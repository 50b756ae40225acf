package benchdb

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// DeliveryScript is one row's delivery as the trust issue measured it: one
// durable transaction that claims the oldest pending row with SKIP LOCKED
// and marks it sent. (heed needs two — the claim is committed before the
// send, the outcome after — but batches the outcomes and lets a claim that
// is not a bulletin's skip the fsync; this is the simplest durable delivery
// a hand-written worker could do.)
const DeliveryScript = `BEGIN;
SELECT coalesce(max(id), 0) AS claimed FROM (SELECT id FROM outbox WHERE state = 'pending' AND channel = 'pgbench'
  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) c \gset
UPDATE outbox SET state = 'sent', sent_at = now(), attempts = attempts + 1, platform_message_id = '1' WHERE id = :claimed;
COMMIT;
`

// InboundScript is what one owner's message through the Telegram webhook
// writes, in one transaction, as pgbench runs it: the inbound row (deduped
// on the message id), the conversation's state, two transcript lines and an
// outbox row with its notification.
const InboundScript = `\set m random(1, 1000000000000)
\set u random(1, 1000000000)
BEGIN;
WITH fresh AS (
  INSERT INTO inbound_messages (channel, message_id, chat_id, user_id, kind, received_at)
  VALUES ('pgbench', :m, :u, :u, 'text', now()) ON CONFLICT (channel, message_id) DO NOTHING RETURNING id
), conv AS (
  INSERT INTO conversations (channel, user_id, chat_id, updated_at) SELECT 'pgbench', :u, :u, now() FROM fresh
  ON CONFLICT (channel, user_id) DO UPDATE SET chat_id = EXCLUDED.chat_id RETURNING step, data, language
)
SELECT conv.step, conv.data, conv.language, coalesce(p.name, '') FROM conv
  LEFT JOIN owner_profiles p ON p.owner_ref = 'pgbench::u';
WITH saved AS (UPDATE conversations SET step = 'category', data = '{"step":"category"}', language = 'zh-CN', updated_at = now()
  WHERE channel = 'pgbench' AND user_id = ':u' RETURNING 1)
INSERT INTO transcript (channel, chat_id, sender, text, choices, at) VALUES
  ('pgbench', :u, 'owner', '楼上漏水很严重，天花板在滴水', '[]', now()),
  ('pgbench', :u, 'heed', '已收到。根据您的描述，问题类别是“工程维修”。是否正确？', '[{"label":"工程维修","data":"cat:repair"}]', now());
WITH rows AS (INSERT INTO outbox (channel, chat_id, kind, payload, case_serial, next_attempt_at, created_at)
  VALUES ('pgbench', :u, 'message', '{"text":"已收到"}', '', now(), now()) RETURNING 1)
  SELECT pg_notify('heed_outbox', '') FROM (SELECT count(*) FROM rows) c;
COMMIT;
`

// Pgbench runs scripts one after the other as one message's work, with
// clients clients for d on dsn, and returns messages (script sets) a second.
func Pgbench(dsn string, clients int, d time.Duration, scripts ...string) float64 {
	dir, err := os.MkdirTemp("", "heed-pgbench")
	Must(err)
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "message.sql")
	Must(os.WriteFile(script, []byte(strings.Join(scripts, "")), 0o644))
	out, err := exec.Command("pgbench", "-n", "-c", fmt.Sprint(clients), "-j", fmt.Sprint(min(clients, 4)),
		"-T", fmt.Sprint(int(d.Seconds())), "-f", script, dsn).CombinedOutput()
	if err != nil {
		Fail(fmt.Sprintf("pgbench: %v\n%s", err, out))
	}
	m := regexp.MustCompile(`tps = ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		Fail("pgbench printed no tps:\n" + string(out))
	}
	var tps float64
	fmt.Sscan(string(m[1]), &tps) //nolint:errcheck
	return tps
}
