-- The conversation engine's statements (queries.go loads them with
-- cases/sqlset when the engine is made: a missing, misspelt or unused block
-- stops heed at start).
--
-- Tables this package owns — no other package's SQL names them; others call
-- the engine (Transcript, SetBlocked, DraftPhotoBytes, SurveySummary…):
--   conversations              one per (channel, person): step, draft, choices
--   inbound_messages           every owner message once (the dedupe key)
--   transcript                 what both sides wrote, verbatim
--   owner_profiles             what an owner told us once; opted out, blocked
--   owner_messages             questions, suggestions, praise (no complaint)
--   understanding_corrections  categories owners and staff corrected
--   revisits                   the revisit questionnaire's decision per case
--   survey_runs, survey_recipients, survey_answers   satisfaction surveys
--
-- Cases, their events and deadlines are package cases' (cases/queries.sql,
-- "-- conversation" block): the engine reads them through cases.Service.
-- Dynamic SQL: none. An owner's pending messages are given up through
-- notify.GiveUp (the outbox is notify's).

-- ── a turn (engine.go) ──────────────────────────────────────────────────

-- name: load-turn
-- Records the inbound message and, unless it was handled before, takes the
-- person's conversation with a row lock and reads it with the owner's
-- profile: one statement, one round trip.
WITH fresh AS (
    INSERT INTO inbound_messages (channel, message_id, chat_id, user_id, kind, received_at)
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel, message_id) DO NOTHING RETURNING id
), conv AS (
    INSERT INTO conversations (channel, user_id, chat_id, updated_at) SELECT $1, $4, $3, $6 FROM fresh
    ON CONFLICT (channel, user_id) DO UPDATE SET chat_id = EXCLUDED.chat_id
    RETURNING step, data, language
)
SELECT conv.step, conv.data, conv.language, coalesce(p.name, '') AS name, coalesce(p.phone, '') AS phone,
    coalesce(p.community, '') AS community, coalesce(p.unit, '') AS unit, coalesce(p.language, '') AS profile_language,
    p.blocked_at IS NOT NULL AS blocked
FROM conv LEFT JOIN owner_profiles p ON p.owner_ref = $7;

-- name: save-turn
-- The conversation's new state, and the turn's lines in the transcript in
-- their order ($8, $9, $10: senders, texts, choices as JSON): one statement.
WITH saved AS (
    UPDATE conversations SET step = $5, data = $6, language = $7, chat_id = $2, updated_at = $3
    WHERE channel = $1 AND user_id = $4 RETURNING 1
)
INSERT INTO transcript (channel, chat_id, sender, text, choices, at)
SELECT $1, $2, l.sender, l.text, l.choices::jsonb, $3
FROM unnest($8::text[], $9::text[], $10::text[]) WITH ORDINALITY AS l(sender, text, choices, n)
ORDER BY l.n;

-- name: transcript
SELECT id, sender, text, choices, at FROM transcript
WHERE channel = $1 AND chat_id = $2 AND id > $3 ORDER BY id LIMIT 500;

-- name: draft-photo-bytes
-- The bytes of the photos in a complaint being filled in (state.Draft).
SELECT coalesce(sum((a->>'size')::bigint), 0) FROM conversations c
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.data->'draft'->'attachments') = 'array'
    THEN c.data->'draft'->'attachments' ELSE '[]'::jsonb END) a
WHERE c.channel = $1 AND c.user_id = $2 AND jsonb_typeof(a->'size') = 'number';

-- ── owner profiles (engine.go, ownercmd.go, inbound_extra.go) ───────────

-- name: profile
SELECT name, phone, community, unit, language AS profile_language FROM owner_profiles WHERE owner_ref = $1;

-- name: save-profile
-- What this complaint left out does not erase what the owner said before.
INSERT INTO owner_profiles (owner_ref, name, phone, community, unit, language, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (owner_ref) DO UPDATE SET name = coalesce(nullif(EXCLUDED.name, ''), owner_profiles.name),
    phone = coalesce(nullif(EXCLUDED.phone, ''), owner_profiles.phone),
    community = CASE WHEN EXCLUDED.community <> '' THEN EXCLUDED.community ELSE owner_profiles.community END,
    unit = CASE WHEN EXCLUDED.community <> '' THEN EXCLUDED.unit ELSE owner_profiles.unit END,
    language = EXCLUDED.language, updated_at = EXCLUDED.updated_at;

-- name: opt-out
-- 退订 ($3 true) or 订阅 ($3 false).
INSERT INTO owner_profiles (owner_ref, language, opted_out, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (owner_ref) DO UPDATE SET opted_out = EXCLUDED.opted_out, updated_at = EXCLUDED.updated_at;

-- name: unblock
UPDATE owner_profiles SET blocked_at = NULL, blocked_reason = '', updated_at = $2
WHERE owner_ref = $1 AND blocked_at IS NOT NULL;

-- name: block
INSERT INTO owner_profiles (owner_ref, blocked_at, blocked_reason, updated_at) VALUES ($1, $2, $3, $2)
ON CONFLICT (owner_ref) DO UPDATE SET blocked_at = coalesce(owner_profiles.blocked_at, EXCLUDED.blocked_at),
    blocked_reason = EXCLUDED.blocked_reason, updated_at = EXCLUDED.updated_at;

-- name: is-blocked
SELECT EXISTS (SELECT 1 FROM owner_profiles WHERE owner_ref = $1 AND blocked_at IS NOT NULL);

-- name: opted-out
-- Why no questionnaire may go to the owner: $2 (opted out), $3 (blocked) or ''.
SELECT coalesce((SELECT CASE WHEN opted_out THEN $2 WHEN blocked_at IS NOT NULL THEN $3 ELSE '' END
    FROM owner_profiles WHERE owner_ref = $1), '');

-- ── heed speaking first (alerts.go, revisit.go, survey.go) ──────────────

-- name: last-words
-- The owner's last $3 messages, oldest first.
SELECT text FROM (SELECT id, text FROM transcript
    WHERE channel = $1 AND chat_id = $2 AND sender = 'owner' ORDER BY id DESC LIMIT $3) l
ORDER BY id;

-- name: stalled-emergencies
-- Intakes of an emergency the owner stopped answering; SKIP LOCKED: once
-- even with several heed serve.
SELECT channel, user_id, chat_id, data, language FROM conversations
WHERE step NOT IN ('', 'idle') AND data->'draft'->'alert' IS NOT NULL AND updated_at <= $1
ORDER BY updated_at LIMIT 50 FOR UPDATE SKIP LOCKED;

-- name: save-state
UPDATE conversations SET step = $3, data = $4, updated_at = $5 WHERE channel = $1 AND user_id = $2;

-- name: heed-line
INSERT INTO transcript (channel, chat_id, sender, text, choices, at) VALUES ($1, $2, 'heed', $3, $4, $5);

-- name: owner-chat
SELECT chat_id FROM conversations WHERE channel = $1 AND user_id = $2;

-- name: tell
-- A message about a case: its choices take the numbered replies, also from
-- a survey's open question.
WITH c AS (
    UPDATE conversations SET data = jsonb_set(jsonb_set(jsonb_set(data, '{choices}', $5::jsonb),
        '{survey,asking}', 'false'), '{asks}', to_jsonb($7::boolean))
    WHERE channel = $1 AND user_id = $6 RETURNING 1
)
INSERT INTO transcript (channel, chat_id, sender, text, choices, at) VALUES ($1, $2, 'heed', $3, $5, $4);

-- name: tell-survey
-- A survey's question: its choices take the numbered replies, and the
-- survey it asks ($7, or null) is remembered.
WITH c AS (
    UPDATE conversations SET data = jsonb_set(jsonb_set(jsonb_set(data, '{choices}', $5::jsonb),
        '{survey}', $7::jsonb), '{asks}', to_jsonb($8::boolean))
    WHERE channel = $1 AND user_id = $6 RETURNING 1
)
INSERT INTO transcript (channel, chat_id, sender, text, choices, at) VALUES ($1, $2, 'heed', $3, $5, $4);

-- ── revisits (revisit.go) ───────────────────────────────────────────────

-- name: revisit-lock
-- One decision per case; concurrent deciders queue on the lock so the
-- sequence (and so the sampling) has no gaps.
-- $1 is locks.RevisitDraw (cases/locks).
SELECT pg_advisory_xact_lock($1);

-- name: revisit-decided
SELECT EXISTS (SELECT 1 FROM revisits WHERE serial = $1);

-- name: revisit-next-seq
SELECT coalesce(max(seq), 0) + 1 FROM revisits;

-- name: revisit-skipped
INSERT INTO revisits (serial, seq, selected, skipped_reason, created_at) VALUES ($1, $2, false, $3, $4);

-- name: revisit-drawn
INSERT INTO revisits (serial, seq, selected, skipped_reason, sent_at, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: revisit-answered
UPDATE revisits SET answered_at = $2, answered_via = 'chat' WHERE serial = $1;

-- name: revisit-undecided
-- Of the serials $1, those with no revisit decided yet, in their order.
SELECT s.serial FROM unnest($1::text[]) WITH ORDINALITY AS s(serial, n)
WHERE NOT EXISTS (SELECT 1 FROM revisits r WHERE r.serial = s.serial)
ORDER BY s.n LIMIT 200;

-- name: revisits-to-remind
-- Questionnaires sent at or before $1 and unanswered, not reminded yet.
SELECT serial FROM revisits
WHERE sent_at <= $1 AND reminded_at IS NULL AND answered_at IS NULL AND no_response_at IS NULL
ORDER BY sent_at, serial
FOR UPDATE SKIP LOCKED;

-- name: revisit-reminded
UPDATE revisits SET reminded_at = $2 WHERE serial = $1;

-- name: revisit-no-response
UPDATE revisits SET no_response_at = $2
WHERE reminded_at <= $1 AND answered_at IS NULL AND no_response_at IS NULL;

-- name: revisit-rows
-- The revisits of the cases $1, and every revisit answered since $2.
SELECT serial, selected, skipped_reason, sent_at, reminded_at, answered_at, no_response_at, answered_via, answered_by
FROM revisits WHERE serial = ANY($1) OR answered_at >= $2;

-- name: revisit-phone-answered
-- A revisit answered on the phone ($3 the staff member who took it). A
-- case never drawn (recorded by staff, no chat) gets its row here, outside
-- the sampling sequence (seq 0), which counts only cases drawn on chat.
INSERT INTO revisits (serial, seq, selected, answered_at, answered_via, answered_by, created_at)
VALUES ($1, 0, true, $2, 'phone', $3, $2)
ON CONFLICT (serial) DO UPDATE SET answered_at = $2, answered_via = 'phone', answered_by = $3;

-- name: call-list
SELECT serial, sent_at FROM revisits
WHERE no_response_at IS NOT NULL AND answered_at IS NULL
ORDER BY sent_at, serial;

-- ── surveys (survey.go, surveyanswer.go, surveysummary.go) ──────────────

-- name: survey-run
SELECT * FROM survey_runs WHERE id = $1;

-- name: survey-runs
SELECT id, survey, coalesce(definition->>'title', '') AS title, community, created_by,
    opened_at, closes_at, closed_at
FROM survey_runs ORDER BY id DESC LIMIT $1;

-- name: survey-start-lock
-- Starts for one community take turns ($1: surveyStartLock).
SELECT pg_advisory_xact_lock($1, hashtext($2));

-- name: open-survey-run
-- A second start of the same survey finds the first's run (no row).
INSERT INTO survey_runs (survey, community, definition, created_by, opened_at, closes_at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (survey, community) WHERE closed_at IS NULL DO NOTHING RETURNING id;

-- name: open-survey-run-id
SELECT id FROM survey_runs WHERE survey = $1 AND community = $2 AND closed_at IS NULL;

-- name: recipient-counts
-- sent, waiting, opted out, platform off, responses, completed.
SELECT count(*) FILTER (WHERE skipped = '' AND sent_at IS NOT NULL),
    count(*) FILTER (WHERE skipped = '' AND sent_at IS NULL), count(*) FILTER (WHERE skipped = 'opted_out'),
    count(*) FILTER (WHERE skipped = 'platform_off'), count(*) FILTER (WHERE skipped = '' AND answered_at IS NOT NULL),
    count(*) FILTER (WHERE skipped = '' AND completed_at IS NOT NULL AND answered_at IS NOT NULL)
FROM survey_recipients WHERE run_id = $1;

-- name: survey-owners
-- An owner belongs to the community their profile names; an owner without
-- one, to the community of any of their complaints ($4: the chat owners of
-- the community's cases, from package cases). Only owners with a
-- conversation can be reached. The conversations are locked, in one order,
-- so an owner's message waits for the survey and vice versa.
WITH owners AS (
    SELECT p.owner_ref FROM owner_profiles p WHERE p.community = $1
    UNION
    SELECT o.ref FROM unnest($4::text[]) AS o(ref)
    WHERE NOT EXISTS (SELECT 1 FROM owner_profiles p WHERE p.owner_ref = o.ref AND p.community <> '')
)
SELECT o.owner_ref, v.channel, v.user_id, v.chat_id, v.step,
    coalesce(nullif(v.language, ''), nullif(p.language, ''), '') AS language,
    coalesce(p.opted_out OR p.blocked_at IS NOT NULL, false) AS opted_out,
    EXISTS (SELECT 1 FROM survey_runs r WHERE r.id = (v.data->'survey'->>'run')::bigint AND r.closed_at IS NULL) AS state_open,
    EXISTS (SELECT 1 FROM survey_runs r WHERE r.id = (v.data->'survey'->>'run')::bigint AND r.closed_at IS NULL)
      OR EXISTS (SELECT 1 FROM survey_recipients sr JOIN survey_runs r ON r.id = sr.run_id
        WHERE sr.owner_ref = o.owner_ref AND sr.current <> '' AND sr.skipped = '' AND sr.run_id <> $2
          AND r.closed_at IS NULL AND r.closes_at > $3) AS other_open,
    coalesce((v.data->>'asks')::boolean, false) AS question_open
FROM owners o
JOIN conversations v ON v.channel = split_part(o.owner_ref, ':', 1) AND v.user_id = substr(o.owner_ref, strpos(o.owner_ref, ':') + 1)
LEFT JOIN owner_profiles p ON p.owner_ref = o.owner_ref
ORDER BY v.channel, v.user_id
FOR UPDATE OF v;

-- name: insert-recipient
INSERT INTO survey_recipients (run_id, owner_ref, channel, chat_id, skipped, current, created_at, sent_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: survey-waiting
-- The conversation remembers a survey to ask when the owner is done.
UPDATE conversations SET data = jsonb_set(data, '{survey}', $3::jsonb) WHERE channel = $1 AND user_id = $2;

-- name: recipient
SELECT current, skipped, sent_at, completed_at FROM survey_recipients
WHERE run_id = $1 AND owner_ref = $2 FOR UPDATE;

-- name: survey-answer
INSERT INTO survey_answers (run_id, owner_ref, question, score, option, text, skipped, answered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING;

-- name: recipient-answered
-- Moves the owner on to question $3 ('' after the last); a skip ($5) is no answer.
UPDATE survey_recipients SET current = $3, completed_at = $4,
    answered_at = CASE WHEN $5 THEN answered_at ELSE coalesce(answered_at, $6) END, sent_at = coalesce(sent_at, $6)
WHERE run_id = $1 AND owner_ref = $2;

-- name: recipient-sent
UPDATE survey_recipients SET sent_at = $3 WHERE run_id = $1 AND owner_ref = $2;

-- name: next-waiting-survey
SELECT r.run_id FROM survey_recipients r JOIN survey_runs s ON s.id = r.run_id
WHERE r.owner_ref = $1 AND r.skipped = '' AND r.current <> '' AND s.closed_at IS NULL AND s.closes_at > $2
ORDER BY s.opened_at LIMIT 1;

-- name: leave-survey
UPDATE survey_recipients SET current = '' WHERE run_id = $1 AND owner_ref = $2;

-- name: leave-surveys
UPDATE survey_recipients SET current = '' WHERE owner_ref = $1 AND current <> '';

-- name: survey-answers
SELECT question, score, option, text, skipped FROM survey_answers
WHERE run_id = $1 ORDER BY answered_at, owner_ref;

-- name: close-survey-run
UPDATE survey_runs SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL RETURNING id;

-- name: close-due-survey-runs
-- Runs whose closes_at has passed, each taken by exactly one heed serve.
UPDATE survey_runs SET closed_at = $1
WHERE id IN (SELECT id FROM survey_runs WHERE closed_at IS NULL AND closes_at <= $1
    ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED)
RETURNING id;

-- name: survey-summary-posted
UPDATE survey_runs SET summary_posted_at = $2 WHERE id = $1;

-- ── understanding (understanding.go) ────────────────────────────────────

-- name: corrections-to-learn
-- In id order: every heed that retrains from the table learns the same model.
SELECT text, category, staff FROM understanding_corrections ORDER BY id;

-- name: corrections
SELECT text, category, staff, actor, serial, created_at FROM understanding_corrections ORDER BY id;

-- name: record-correction
INSERT INTO understanding_corrections (text, category, staff, actor, serial, created_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: owner-message
INSERT INTO owner_messages (kind, channel, owner_ref, category, text, language, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- ── the complaint desk in a browser (deskowner.go) ──────────────────────

-- name: desk-owner-identities
-- What heed knows of each owner ref ($1): their profile and conversation.
SELECT r.ref, coalesce(p.name, '') AS name, coalesce(p.phone, '') AS phone,
    coalesce(nullif(p.language, ''), v.language, '') AS language, coalesce(p.opted_out, false) AS opted_out,
    p.blocked_at, coalesce(p.blocked_reason, '') AS blocked_reason, v.updated_at AS last_seen
FROM unnest($1::text[]) WITH ORDINALITY AS r(ref, n)
LEFT JOIN owner_profiles p ON p.owner_ref = r.ref
LEFT JOIN conversations v ON strpos(r.ref, ':') > 0 AND v.channel = split_part(r.ref, ':', 1)
     AND v.user_id = substr(r.ref, strpos(r.ref, ':') + 1)
ORDER BY r.n;

-- name: desk-owner-conversation
-- The last $2 lines of an owner's conversation with heed, oldest first.
SELECT id, sender AS "from", text, at FROM (
    SELECT t.id, t.sender, t.text, t.at FROM transcript t
    JOIN conversations v ON v.channel = t.channel AND v.chat_id = t.chat_id
    WHERE strpos($1, ':') > 0 AND v.channel = split_part($1, ':', 1) AND v.user_id = substr($1, strpos($1, ':') + 1)
    ORDER BY t.id DESC LIMIT $2) l
ORDER BY id;

-- ── the report's facts (reportfacts.go) ─────────────────────────────────

-- name: answered-revisits
-- The cases whose revisit the owner answered at or after $1.
SELECT serial FROM revisits WHERE answered_at >= $1;

-- name: owner-message-counts
-- The praise, suggestions and questions owners wrote in [$1, $2).
SELECT count(*) FILTER (WHERE kind = 'praise') AS praise,
    count(*) FILTER (WHERE kind = 'suggestion') AS suggestions,
    count(*) FILTER (WHERE kind = 'inquiry') AS inquiries
FROM owner_messages WHERE created_at >= $1 AND created_at < $2;

-- ── revisits driven by hand (revisitstaff.go) ───────────────────────────

-- name: revisit-sent-at
SELECT sent_at FROM revisits WHERE serial = $1;

-- name: revisit-resend
-- Drawn or not, sent or not before: sent at $2, the clocks start again.
UPDATE revisits SET selected = true, skipped_reason = '', sent_at = $2,
    reminded_at = NULL, no_response_at = NULL WHERE serial = $1;

-- name: revisits-not-sent
-- Of the serials $1, those whose questionnaire was neither sent nor passed
-- over by sampling, in their order.
SELECT s.serial FROM unnest($1::text[]) WITH ORDINALITY AS s(serial, n)
WHERE NOT EXISTS (SELECT 1 FROM revisits r WHERE r.serial = s.serial AND (r.sent_at IS NOT NULL OR NOT r.selected))
ORDER BY s.n;

-- name: revisit-states
-- The revisits of the serials $1.
SELECT serial, skipped_reason, sent_at, reminded_at, answered_at, no_response_at
FROM revisits WHERE serial = ANY($1);

-- ── counts for the benchmarks (reportfacts.go) ──────────────────────────

-- name: count-inbound
-- The messages of channel $1 recorded, of the ids $2 (NULL: all).
SELECT count(*) FROM inbound_messages WHERE channel = $1 AND ($2::text[] IS NULL OR message_id = ANY($2));
