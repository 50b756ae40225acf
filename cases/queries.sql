-- name: next-serial
-- The increment's row lock serialises concurrent creates of one year; a
-- rolled-back transaction gives its number back, so serials have no gaps.
INSERT INTO serial_counters (year, last_seq) VALUES ($1, 1)
ON CONFLICT (year) DO UPDATE SET last_seq = serial_counters.last_seq + 1
RETURNING last_seq;

-- name: insert-case
INSERT INTO cases (
    serial, status, channel, owner_ref, customer_name, contact_phone, address, community, unit,
    content, purpose, requested_reply_by, category, urgency, language, received_at, recorded_by,
    summary, validity, major, major_reason, lawsuit, media, signals, repeat, complainants, created_at, updated_at
) VALUES (
    :serial, :status, :channel, :owner_ref, :customer_name, :contact_phone, :address, :community, :unit,
    :content, :purpose, :requested_reply_by, :category, :urgency, :language, :received_at, :recorded_by,
    :summary, :validity, :major, :major_reason, :lawsuit, :media, :signals, :repeat, :complainants, :created_at, :updated_at
) RETURNING id;

-- name: update-case
-- Every mutable column; the version check makes a stale writer lose.
UPDATE cases SET
    version = version + 1, status = :status, customer_name = :customer_name,
    contact_phone = :contact_phone, address = :address, community = :community, unit = :unit,
    content = :content, purpose = :purpose, requested_reply_by = :requested_reply_by,
    category = :category, urgency = :urgency, summary = :summary,
    specialist_opinion = :specialist_opinion, validity = :validity, validity_reason = :validity_reason,
    department = :department, assisting_departments = :assisting_departments, handler = :handler,
    measures = :measures, review_opinion = :review_opinion, review_deadline = :review_deadline,
    approved_by = :approved_by, reply = :reply, reply_draft = :reply_draft, feedback = :feedback,
    feedback_satisfied = :feedback_satisfied, verify_timeliness = :verify_timeliness,
    verify_satisfaction = :verify_satisfaction, verify_attitude = :verify_attitude,
    verify_suggestions = :verify_suggestions, result = :result, capa_report = :capa_report,
    responsibility = :responsibility, responsible_staff = :responsible_staff,
    accountability = :accountability, major = :major, major_reason = :major_reason,
    lawsuit = :lawsuit, media = :media, repeat = :repeat, complainants = :complainants,
    needs_person = :needs_person, reopen_count = :reopen_count, closed_at = :closed_at,
    developer_referred_at = :developer_referred_at, developer_reminded_at = :developer_reminded_at,
    developer_answer = :developer_answer, developer_answered_at = :developer_answered_at,
    head_office_at = :head_office_at, dispute = :dispute,
    updated_at = :updated_at
WHERE id = :id AND version = :version;

-- name: flag-repeat
UPDATE cases SET repeat = true WHERE id = $1;

-- name: case-by-serial
SELECT * FROM cases WHERE serial = $1;

-- name: case-by-serial-for-update
SELECT * FROM cases WHERE serial = $1 FOR UPDATE;

-- name: case-by-id-for-update
SELECT * FROM cases WHERE id = $1 FOR UPDATE;

-- name: insert-event
INSERT INTO case_events (case_id, at, actor_kind, actor_id, actor_name, platform_user, channel,
    action, from_status, to_status, changes, note)
VALUES (:case_id, :at, :actor_kind, :actor_id, :actor_name, :platform_user, :channel,
    :action, :from_status, :to_status, :changes, :note);

-- name: events
SELECT id, at, actor_kind, actor_id, actor_name, platform_user, channel, action, from_status,
    to_status, changes, note
FROM case_events WHERE case_id = $1 ORDER BY id;

-- name: last-event-of-action
SELECT id, at, actor_kind, actor_id, actor_name, platform_user, channel, action, from_status,
    to_status, changes, note
FROM case_events WHERE case_id = $1 AND action = $2 ORDER BY id DESC LIMIT 1;

-- name: insert-attachment
INSERT INTO case_attachments (case_id, kind, ref, name, mime, size, added_at, added_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: attachments
SELECT id, kind, ref, name, mime, size, added_at, added_by
FROM case_attachments WHERE case_id = $1 ORDER BY id;

-- name: file-by-digest
-- The same bytes saved twice are kept once.
SELECT id FROM files WHERE sha256 = $1 AND size = $2 LIMIT 1;

-- name: insert-file
INSERT INTO files (sha256, name, mime, size, data) VALUES ($1, $2, $3, $4, $5) RETURNING id;

-- name: file-by-id
SELECT name, mime, data FROM files WHERE id = $1;

-- name: insert-setting
-- The first heed serve to ask wins; every other reads its value.
INSERT INTO heed_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING;

-- name: setting
SELECT value FROM heed_settings WHERE name = $1;

-- name: insert-link
INSERT INTO case_links (case_id, related_id, kind, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (case_id, related_id) DO NOTHING;

-- name: links
-- Both directions: a repeat names its earlier case, and the earlier case
-- shows the repeat.
SELECT l.kind, c.serial, c.status FROM case_links l JOIN cases c ON c.id = l.related_id
WHERE l.case_id = $1
UNION ALL
SELECT l.kind, c.serial, c.status FROM case_links l JOIN cases c ON c.id = l.case_id
WHERE l.related_id = $1
ORDER BY serial;

-- name: count-collective-complainants
-- The collective case's own complainants (as recorded when it was created:
-- the lead owner, or the households staff recorded) plus those of every
-- linked individual case.
SELECT coalesce((SELECT (changes->>'complainants')::int FROM case_events
                 WHERE case_id = $1 AND action = 'create' ORDER BY id LIMIT 1), 1)
     + coalesce((SELECT sum(r.complainants) FROM case_links l JOIN cases r ON r.id = l.related_id
                 WHERE l.case_id = $1 AND l.kind = 'collective_member'), 0);

-- name: insert-deadline
INSERT INTO case_deadlines (case_id, step, due_at, created_at) VALUES ($1, $2, $3, $4);

-- name: deadlines
SELECT step, due_at, met_at, missed_at, superseded_at
FROM case_deadlines WHERE case_id = $1 ORDER BY id;

-- name: meet-deadline
-- The step is done: its open deadline (or a missed one, late) is met now.
UPDATE case_deadlines SET met_at = $3
WHERE case_id = $1 AND step = $2 AND met_at IS NULL AND superseded_at IS NULL;

-- name: supersede-deadlines
UPDATE case_deadlines SET superseded_at = $3
WHERE case_id = $1 AND step = ANY($2) AND met_at IS NULL AND superseded_at IS NULL;

-- name: sweep-verified
-- Cases the owner was satisfied with at the revisit, with when; the caller
-- closes those past closing.after_verified. SKIP LOCKED: once across
-- several heed serve.
SELECT c.serial, e.at AS verified_at FROM cases c
JOIN LATERAL (SELECT max(at) AS at FROM case_events WHERE case_id = c.id AND action = 'verify') e ON true
WHERE c.status = 'verified' AND e.at IS NOT NULL ORDER BY c.id LIMIT 500 FOR UPDATE OF c SKIP LOCKED;

-- name: sweep-developer
-- Cases referred to the developer and not answered yet, with when the
-- developer was last asked.
SELECT serial, coalesce(developer_reminded_at, developer_referred_at) AS since
FROM cases WHERE developer_referred_at IS NOT NULL AND developer_answered_at IS NULL AND status = 'invalid'
ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED;

-- name: closed-before
-- Cases closed (or closed as invalid) before $1 to archive; one still
-- waiting for the developer's answer stays.
SELECT serial FROM cases
WHERE status IN ('closed', 'invalid') AND closed_at < $1
  AND NOT (developer_referred_at IS NOT NULL AND developer_answered_at IS NULL)
ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED;

-- name: find-repeat
-- The same owner (same chat identity or same phone), the same category and
-- the same unit, within the window: a repeat complaint.
SELECT id, serial FROM cases
WHERE id <> $1 AND category = $2 AND received_at >= $3
  AND ((owner_ref <> '' AND owner_ref = $4) OR (contact_phone <> '' AND contact_phone = $5))
  AND (unit = $6 AND community = $7)
ORDER BY received_at DESC LIMIT 1;

-- name: sweep-missed
-- Deadlines passed and not met, taken once even with several heed serve
-- running: SKIP LOCKED leaves rows another sweeper holds.
WITH due AS (
    SELECT d.id FROM case_deadlines d
    WHERE d.met_at IS NULL AND d.missed_at IS NULL AND d.superseded_at IS NULL AND d.due_at <= $1
    ORDER BY d.due_at
    LIMIT 500
    FOR UPDATE SKIP LOCKED
)
UPDATE case_deadlines d SET missed_at = $1 FROM due WHERE d.id = due.id
RETURNING d.case_id, d.step, d.due_at;

-- name: sweep-remind
-- Open deadlines past the reminder share of their time, reminded once.
WITH due AS (
    SELECT d.id FROM case_deadlines d
    WHERE d.met_at IS NULL AND d.missed_at IS NULL AND d.superseded_at IS NULL AND d.reminded_at IS NULL
      AND d.step <> 'major' AND d.due_at > $1
      AND d.created_at + (d.due_at - d.created_at) * $2 <= $1
    ORDER BY d.due_at
    LIMIT 500
    FOR UPDATE SKIP LOCKED
)
UPDATE case_deadlines d SET reminded_at = $1 FROM due WHERE d.id = due.id
RETURNING d.case_id, d.step, d.due_at;

-- api
-- What heed's assembly reads of cases for its metrics (cases/api_queries.go).

-- name: count-by-status
SELECT status, count(*) FROM cases GROUP BY status;

-- conversation
-- What the conversation engine reads of cases (conversation_queries.go).

-- name: owner-cases
-- $3 is the major escalation's step, $4 the open statuses.
SELECT c.serial, c.category, c.status,
    (SELECT min(d.due_at) FROM case_deadlines d
     WHERE d.case_id = c.id AND d.met_at IS NULL AND d.superseded_at IS NULL AND d.step <> $3) AS next
FROM cases c
WHERE c.owner_ref = $1 AND ($2 = false OR c.status = ANY($4))
ORDER BY c.received_at DESC LIMIT 10;

-- name: is-owners-case
SELECT EXISTS (SELECT 1 FROM cases WHERE serial = $1 AND owner_ref = $2);

-- name: open-deadline
SELECT min(due_at) FROM case_deadlines
WHERE case_id = $1 AND step = $2 AND met_at IS NULL AND superseded_at IS NULL;

-- name: cases-by-serial
SELECT * FROM cases WHERE serial = ANY($1);

-- name: replied-before
-- $1 the replied status, $2 the reply action.
SELECT c.serial FROM cases c
WHERE c.status = $1
  AND (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = $2) <= $3
ORDER BY c.id;

-- name: lock-replied-before
-- replied-before's condition, checked again under the lock.
SELECT c.* FROM cases c
WHERE c.serial = ANY($4) AND c.status = $1
  AND (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = $2) <= $3
ORDER BY c.id
FOR UPDATE SKIP LOCKED;

-- name: community-owners
SELECT DISTINCT owner_ref FROM cases WHERE community = $1 AND strpos(owner_ref, ':') > 0;

-- name: revisitable
-- The cases answered to their owner and not yet revisited ($1 those
-- statuses), oldest first, at most $2: the revisit worklist's.
SELECT * FROM cases WHERE status = ANY($1) ORDER BY id LIMIT $2;

-- desk
-- What the complaint desk (package notify/desk) asks of the cases: it
-- reads and writes no table of this package itself.

-- name: case-owners
-- The owners of the cases $1, in the order the cases were received.
SELECT serial, owner_ref, language FROM cases WHERE serial = ANY($1) ORDER BY id;

-- name: claim-setting
-- A shared value made once: the first to insert it has claimed it.
INSERT INTO heed_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING;

-- console
-- The complaint desk in a browser (bots/console): its register and deadline
-- board, read through cases/console_queries.go.

-- name: console-register
-- The register's selection. An empty parameter leaves its filter out: lib/pq
-- runs each statement unnamed, so PostgreSQL plans it with the values bound
-- and folds the unused filters away before choosing indexes. The caller
-- appends console-register-unmet when a deadline filter is set, then ORDER
-- BY / LIMIT (ListRegister, EachRegisterCase), or counts it.
-- $1 statuses, $2 department, $3 community, $4 category, $5 channel,
-- $6 urgency, $7 major, $8 repeat, $9 collective, $10 handler,
-- $11..$12 received in [from, to), $13 a serial or its end (ILIKE pattern
-- $14) or $15 a phone's last digits, $16 the owner's name (ILIKE pattern
-- $17), $18/$20/$22 words of the content (ILIKE patterns $19/$21/$23),
-- $24 a surname: the LIKE pattern of the names it begins.
-- A text is searched through the GIN index of its character pairs
-- (heed_bigrams, migration 00130); the LIKE checks the rows and is written
-- first, so that rows it refuses never compute their pairs (PostgreSQL
-- keeps the order of the terms inside an OR).
SELECT * FROM cases
WHERE (cardinality($1::text[]) = 0 OR status = ANY($1::text[]))
  AND ($2::text = '' OR department = $2::text)
  AND ($3::text = '' OR community = $3::text)
  AND ($4::text = '' OR category = $4::text)
  AND ($5::text = '' OR channel = $5::text)
  AND ($6::text = '' OR urgency = $6::text)
  AND (NOT $7::boolean OR major)
  AND (NOT $8::boolean OR repeat)
  AND (NOT $9::boolean OR complainants > 1)
  AND ($10::text = '' OR handler = $10::text)
  AND ($11::timestamptz IS NULL OR received_at >= $11::timestamptz)
  AND ($12::timestamptz IS NULL OR received_at < $12::timestamptz)
  AND (($13::text = '' AND $15::text = '')
        OR ($13::text <> '' AND (serial = $13::text
            OR (serial ILIKE $14::text AND heed_bigrams(serial) @> heed_bigrams($13::text))))
        OR ($15::text <> '' AND contact_phone <> '' AND right(contact_phone, 4) = right($15::text, 4)
            AND contact_phone LIKE '%' || $15::text))
  AND ($16::text = ''
        OR (customer_name ILIKE $17::text AND heed_bigrams(customer_name) @> heed_bigrams($16::text))
        OR (content ILIKE $19::text AND heed_bigrams(content) @> heed_bigrams($18::text)
            AND ($20::text = '' OR (content ILIKE $21::text AND heed_bigrams(content) @> heed_bigrams($20::text)))
            AND ($22::text = '' OR (content ILIKE $23::text AND heed_bigrams(content) @> heed_bigrams($22::text)))))
  AND ($24::text = '' OR customer_name LIKE $24::text)

-- name: console-register-unmet
-- Appended to console-register for the deadline filters: the case has a
-- deadline still to meet, of step $25 (any when ''), overdue at $27 when
-- $26. Outside any OR, so PostgreSQL may join the deadlines in (a semi-join)
-- rather than hash every unmet deadline first.
  AND EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = cases.id
        AND d.met_at IS NULL AND d.superseded_at IS NULL AND d.step <> 'major'
        AND ($25::text = '' OR d.step = $25::text) AND (NOT $26::boolean OR d.due_at <= $27::timestamptz))

-- name: console-read
-- The register's page is a few small reads: planned without parallel
-- workers, whose start (tens of milliseconds on a busy server) costs more
-- than the index scans they would share.
SET LOCAL max_parallel_workers_per_gather = 0;

-- name: console-open-deadlines
-- The deadlines still to be met of the register's page of cases.
SELECT case_id, step, due_at, met_at, missed_at, superseded_at FROM case_deadlines
WHERE case_id = ANY($1) AND met_at IS NULL AND superseded_at IS NULL AND step <> 'major'
ORDER BY case_id, due_at;

-- name: console-board-counts
-- The deadline board's figures: per handling department and step, the
-- unmet deadlines of open cases overdue (before $1 = now), due within two
-- hours (before $2) and due later today (before $3, the end of the day).
SELECT c.department, d.step,
    count(*) FILTER (WHERE d.due_at < $1) AS overdue,
    count(*) FILTER (WHERE d.due_at >= $1 AND d.due_at < $2) AS soon,
    count(*) FILTER (WHERE d.due_at >= $2) AS today
FROM case_deadlines d JOIN cases c ON c.id = d.case_id
WHERE d.met_at IS NULL AND d.superseded_at IS NULL AND d.step <> 'major'
  AND d.due_at < greatest($2::timestamptz, $3::timestamptz)
  AND c.status NOT IN ('invalid', 'closed', 'archived')
GROUP BY c.department, d.step;

-- name: console-board-items
-- The earliest $4 of each group ($1 departments, $2 steps, side by side)
-- due before $3: each group walks its step's unmet deadlines by due time.
SELECT i.* FROM unnest($1::text[], $2::text[]) AS g(department, step)
CROSS JOIN LATERAL (
    SELECT c.serial, c.status, c.department, c.handler, c.category, c.community, c.urgency, c.major,
        d.step, d.due_at
    FROM case_deadlines d JOIN cases c ON c.id = d.case_id
    WHERE d.step = g.step AND c.department = g.department
      AND d.met_at IS NULL AND d.superseded_at IS NULL AND d.due_at < $3
      AND c.status NOT IN ('invalid', 'closed', 'archived')
    ORDER BY d.due_at, c.id
    LIMIT $4
) i;

-- console case
-- The complaint desk's case and owner pages (bots/console), read through
-- cases/console_case_queries.go.

-- name: console-owner-complaints
-- Every complaint of one owner: those of their chat identities ($1) or
-- phones ($2), newest first (cases_owner_idx, cases_phone_idx).
SELECT * FROM cases
WHERE (owner_ref = ANY($1::text[]) AND owner_ref <> '') OR (contact_phone = ANY($2::text[]) AND contact_phone <> '')
ORDER BY received_at DESC, id DESC LIMIT $3;

-- revisits
-- What the revisits staff drive by hand (conversation/revisitstaff.go) ask
-- of the cases (revisit_queries.go); the revisits themselves are the
-- conversation engine's.

-- name: replied-since
-- The cases in statuses $1 whose last $2 (the reply) is at or after $3.
SELECT c.serial FROM cases c
WHERE c.status = ANY($1)
  AND (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = $2) >= $3
ORDER BY c.id;

-- name: lock-replied-since
-- replied-since's condition, checked again under the lock, for the serials
-- $4; at most $5, in id order.
SELECT c.* FROM cases c
WHERE c.serial = ANY($4) AND c.status = ANY($1)
  AND (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = $2) >= $3
ORDER BY c.id LIMIT $5
FOR UPDATE SKIP LOCKED;

-- name: cases-in-status
SELECT * FROM cases WHERE status = ANY($1) ORDER BY id;

-- benchmarks
-- What the benchmark programs (bench/) seed and count (bench_queries.go).

-- name: seed-register
-- $3 cases received $2 microseconds apart from $1, of every status,
-- channel and category, a third of them scored.
INSERT INTO cases (serial, status, channel, owner_ref, customer_name, contact_phone, community, unit, content, category,
    urgency, received_at, recorded_by, validity, department, major, repeat, complainants, created_at, updated_at,
    verify_timeliness, verify_satisfaction, verify_attitude)
SELECT 'B-' || g, (ARRAY['closed','closed','closed','replied','dispatched','invalid'])[1 + g % 6],
    (ARRAY['telegram','wechat','web','phone'])[1 + g % 4], 'bench:' || (g % 50000), '业主' || (g % 50000),
    '138' || lpad((g % 100000000)::text, 8, '0'), (ARRAY['xinghewan','cuihuyuan'])[1 + g % 2], (1 + g % 12) || '栋',
    '楼上漏水，天花板在滴水', (ARRAY['repair','repair','repair','noise','noise','fees','cleaning','parking','attitude','other'])[1 + g % 10],
    'normal', $1::timestamptz + (g * $2::bigint) * interval '1 microsecond', 'bench',
    CASE WHEN g % 6 = 5 THEN 'invalid' ELSE 'valid' END, 'engineering', g % 97 = 0, g % 53 = 0, 1 + (g % 211 = 0)::int * 11,
    now(), now(),
    CASE WHEN g % 6 < 3 THEN 1 + g % 5 END, CASE WHEN g % 6 < 3 THEN 1 + (g / 5) % 5 END, CASE WHEN g % 6 < 3 THEN 1 + (g / 25) % 5 END
FROM generate_series(1, $3) g;

-- name: seed-register-deadlines
-- Five deadlines for every case, one in five never met.
INSERT INTO case_deadlines (case_id, step, due_at, met_at, missed_at, created_at)
SELECT c.id, s.step, c.received_at + s.d,
    CASE WHEN (c.id + s.i) % 5 = 0 THEN NULL ELSE c.received_at + s.d * ((c.id + s.i) % 7) / 5 END,
    CASE WHEN (c.id + s.i) % 5 = 0 THEN c.received_at + s.d END, c.received_at
FROM cases c CROSS JOIN (VALUES ('receipt', interval '24 hours', 1), ('dispatch', interval '5 hours', 2),
    ('investigate', interval '8 hours', 3), ('measures', interval '72 hours', 4), ('reply', interval '72 hours', 5)) AS s(step, d, i);

-- name: count-received
SELECT count(*) FROM cases WHERE received_at >= $1 AND received_at < $2;

-- name: channel-cases
-- The cases of channel $1, and how many of them came from an owner who had
-- one already.
SELECT count(*) AS total, count(*) - count(DISTINCT owner_ref) AS twice FROM cases WHERE channel = $1;
