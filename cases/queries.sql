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
