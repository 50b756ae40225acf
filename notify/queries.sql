-- The outbox's statements (package notify), loaded into notify's tagged
-- struct by cases/sqlset and checked when the package is first used. notify
-- owns the tables outbox, outbox_workers and cards (the message each card
-- was posted as, so that it is edited in place).

-- name: enqueue
-- One statement inserts every row, in the order given (ids follow it), and
-- wakes the workers. $1 now; the arrays: channel, chat, kind, payload,
-- case serial, once.
WITH t AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::bool[])
        WITH ORDINALITY AS t(channel, chat_id, kind, payload, case_serial, once, n)
), rows AS (
    INSERT INTO outbox (channel, chat_id, kind, payload, case_serial, once, next_attempt_at, created_at)
    SELECT channel, chat_id, kind, payload, case_serial, once, $1, $1 FROM t ORDER BY n
    RETURNING id
), woke AS (
    SELECT pg_notify('heed_outbox', '') FROM (SELECT count(*) FROM rows) c
)
SELECT rows.id FROM rows, woke ORDER BY rows.id;

-- name: wake
SELECT pg_notify('heed_outbox', '');

-- name: dead-letters
-- No bodies: they may hold an owner's words.
SELECT id, channel, chat_id, kind, case_serial, attempts, last_error, created_at
FROM outbox WHERE state = 'dead' ORDER BY id DESC LIMIT $1;

-- name: retry-dead
UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, last_error = ''
WHERE id = $1 AND state = 'dead';

-- name: resend-uncertain
-- The rows among $1 whose send's outcome nobody knows, queued again.
WITH u AS (
    UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, last_error = ''
    WHERE id = ANY($1) AND state = 'uncertain'
    RETURNING 1
)
SELECT count(*) FROM u;

-- name: row-states
SELECT id, state, attempts, last_error, sent_at FROM outbox WHERE id = ANY($1);

-- name: prompt-of
-- The act data of the prompt a reply in chat answers: by the id the
-- platform gave the prompt, or by its text while its send is not yet
-- recorded.
SELECT payload->>'prompt' FROM outbox
WHERE channel = $1 AND chat_id = $2 AND payload ? 'prompt' AND (platform_message_id = $3 OR payload->>'text' = $4)
ORDER BY platform_message_id = $3 DESC, id DESC LIMIT 1;

-- name: analyze
ANALYZE outbox;

-- name: claim
-- Due rows, the oldest of each chat with nothing older pending or being
-- sent, of the channels $3 (NULL: all).
SELECT id, channel, chat_id, kind, payload, case_serial, attempts, once
FROM outbox o
WHERE state = 'pending' AND next_attempt_at <= $1 AND ($3::text[] IS NULL OR channel = ANY($3))
  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state IN ('pending', 'sending') AND p.channel = o.channel
                  AND p.chat_id = o.chat_id AND p.id < o.id)
ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED;

-- name: claim-followers
-- For each chat's head row ($1 channels, $2 chats, $3 heads), the pending
-- rows after it, at most $5 each; due says whether each may go at $4.
SELECT o.id, o.channel, o.chat_id, o.kind, o.payload, o.case_serial, o.attempts, o.once, h.head,
       o.next_attempt_at <= $4 AS due
FROM unnest($1::text[], $2::text[], $3::bigint[]) h(channel, chat_id, head)
CROSS JOIN LATERAL (SELECT * FROM outbox o WHERE o.state = 'pending' AND o.channel = h.channel
                    AND o.chat_id = h.chat_id AND o.id > h.head ORDER BY o.id LIMIT $5 FOR UPDATE) o
ORDER BY h.head, o.id;

-- name: claim-later
-- Rows a rate limit holds back: ($1 ids, $2 times).
UPDATE outbox o SET next_attempt_at = v.at::timestamptz
FROM unnest($1::bigint[], $2::text[]) v(id, at) WHERE o.id = v.id;

-- name: claim-mark
UPDATE outbox SET state = 'sending', claimed_by = $2, claimed_at = $3 WHERE id = ANY($1);

-- name: card-message
-- The message a card was posted as in a chat, to edit it.
SELECT message_id FROM cards WHERE serial = $1 AND channel = $2 AND chat_id = $3 AND kind = $4;

-- name: commit-async
SET LOCAL synchronous_commit = off;

-- name: record
-- Outcomes ($1 ids, $2 states, $3 attempts, $4 next tries, $5 errors, $6
-- platform ids) of the rows worker $8 claimed, at $7.
UPDATE outbox o SET state = v.state, attempts = v.attempts, next_attempt_at = v.next::timestamptz, last_error = v.err,
       platform_message_id = CASE WHEN v.state = 'sent' THEN v.pid ELSE o.platform_message_id END,
       sent_at = CASE WHEN v.state = 'sent' THEN $7::timestamptz ELSE o.sent_at END, claimed_by = 0
FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[]) v(id, state, attempts, next, err, pid)
WHERE o.id = v.id AND ((o.state = 'sending' AND o.claimed_by = $8)
      -- reclaimed meanwhile (this worker's lock was lost, or a crash of
      -- PostgreSQL lost the claim) but not yet taken again: the outcome
      -- is known after all
      OR (o.state IN ('pending', 'uncertain') AND o.claimed_by = 0))
RETURNING o.id;

-- name: record-card
INSERT INTO cards (serial, channel, chat_id, kind, message_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (serial, channel, chat_id, kind) DO UPDATE SET message_id = EXCLUDED.message_id, updated_at = EXCLUDED.updated_at;

-- name: reclaim
-- Rows left 'sending' with no outcome: worker $1's not in flight ($2), and
-- those of workers without their lock ($4 the lock space) and not heard of
-- for $5. A row sent once becomes 'uncertain'; any other is sent again.
UPDATE outbox o SET
       state = CASE WHEN o.once THEN 'uncertain' ELSE 'pending' END,
       uncertain = o.uncertain + 1, claimed_by = 0, next_attempt_at = $3,
       last_error = 'outcome unknown: heed stopped during the send'
WHERE o.state = 'sending' AND (
      (o.claimed_by = $1 AND o.id <> ALL($2::bigint[]))
   OR (o.claimed_by <> $1 AND pg_postmaster_start_time() < now() - interval '30 seconds'
       AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid = $4::int::oid AND l.objid = o.claimed_by::oid AND l.objsubid = 2)
       AND NOT EXISTS (SELECT 1 FROM outbox_workers k WHERE k.id = o.claimed_by
           AND k.seen_at > now() - $5::interval)))
RETURNING o.id, o.state, o.channel;

-- name: worker-lock
SELECT pg_try_advisory_lock($1, $2);

-- name: worker-unlock
SELECT pg_advisory_unlock($1, $2);

-- name: session-async
-- A heartbeat lost with a crash of PostgreSQL costs nothing.
SET synchronous_commit = off;

-- name: worker-beat
INSERT INTO outbox_workers (id, seen_at) VALUES ($1, now())
ON CONFLICT (id) DO UPDATE SET seen_at = now();

-- name: worker-gone
DELETE FROM outbox_workers WHERE id = $1 OR seen_at < now() - interval '1 day';

-- name: give-up
-- The pending rows to chats $2 of channel $1 become dead letters saying why
-- ($3). A row a worker is sending right now (locked: this may run inside
-- that very send, on its 403) is the worker's to finish.
UPDATE outbox SET state = 'dead', last_error = $3 WHERE id IN (
    SELECT id FROM outbox WHERE state = 'pending' AND channel = $1 AND chat_id = ANY($2)
    FOR UPDATE SKIP LOCKED);

-- ── counts (counts.go): /metrics and the benchmarks ─────────────────────

-- name: outbox-counts
SELECT channel, state, count(*) AS count FROM outbox GROUP BY channel, state ORDER BY 1, 2;

-- name: chat-deliveries
-- Per chat of channel $1: the rows of kind $2 ('' any) queued in
-- [$3, $4) ($3, $4 NULL: unbounded), those sent, the uncertain sends, and
-- the longest a row waited to be sent (seconds).
SELECT chat_id, count(*) AS queued, count(*) FILTER (WHERE state = 'sent') AS sent,
    coalesce(sum(uncertain), 0) AS uncertain,
    coalesce(extract(epoch FROM max(sent_at - created_at)), 0)::float8 AS longest
FROM outbox
WHERE channel = $1 AND ($2 = '' OR kind = $2)
  AND ($3::timestamptz IS NULL OR created_at >= $3) AND ($4::timestamptz IS NULL OR created_at < $4)
GROUP BY chat_id ORDER BY chat_id;

-- name: set-aside
-- A benchmark's rows of channel $1 still pending, marked sent unsent.
UPDATE outbox SET state = 'sent' WHERE state = 'pending' AND channel = $1;
