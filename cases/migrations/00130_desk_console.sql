-- +goose Up
-- The complaint desk in a browser (bots/console): sign-in links sent to a
-- person's own Slack DM or Telegram chat, the sessions they open, and the
-- indexes the console's register and deadline board read a million cases by.

-- A sign-in link: only the SHA-256 of its token is kept. Single use
-- (used_at), short-lived (expires_at); the rows of one person in the last
-- minutes bound how many links they are sent.
CREATE TABLE desk_signin_links (
    id         bigserial PRIMARY KEY,
    person     text NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    next_path  text NOT NULL DEFAULT '',
    client     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX desk_signin_links_person_idx ON desk_signin_links (person, created_at);
CREATE INDEX desk_signin_links_created_idx ON desk_signin_links (created_at);

-- Every sign-in request, known person or not, by client address: the
-- per-address limit, shared by every heed serve. Pruned as rows are added.
CREATE TABLE desk_signin_requests (
    client text NOT NULL,
    at     timestamptz NOT NULL
);
CREATE INDEX desk_signin_requests_client_idx ON desk_signin_requests (client, at);
CREATE INDEX desk_signin_requests_at_idx ON desk_signin_requests (at);

-- A signed-in browser. The cookie holds the token; the row its hash. A
-- session ends at expires_at, after idle time without a request, or when
-- revoked (sign out, sign out everywhere).
CREATE TABLE desk_sessions (
    id           bigserial PRIMARY KEY,
    person       text NOT NULL,
    token_hash   bytea NOT NULL UNIQUE,
    client       text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX desk_sessions_person_idx ON desk_sessions (person) WHERE revoked_at IS NULL;

-- The register's first page is the newest cases that pass its filters: a
-- walk of received_at, or of one of these when its filter is selective.
CREATE INDEX cases_status_received_idx ON cases (status, received_at);
CREATE INDEX cases_category_received_idx ON cases (category, received_at);
CREATE INDEX cases_community_received_idx ON cases (community, received_at);
CREATE INDEX cases_department_received_idx ON cases (department, received_at);
CREATE INDEX cases_channel_received_idx ON cases (channel, received_at);
CREATE INDEX cases_handler_received_idx ON cases (handler, received_at) WHERE handler <> '';
CREATE INDEX cases_major_received_idx ON cases (received_at) WHERE major;
CREATE INDEX cases_repeat_received_idx ON cases (received_at) WHERE repeat;
CREATE INDEX cases_collective_received_idx ON cases (received_at) WHERE complainants > 1;
CREATE INDEX cases_urgent_received_idx ON cases (received_at) WHERE urgency <> 'normal';
-- "latest change first": id breaks the ties of a batch updated at once.
CREATE INDEX cases_updated_idx ON cases (updated_at, id);
-- "the last digits of the phone": the last four find the rows, the rest filters.
CREATE INDEX cases_phone_tail_idx ON cases (right(contact_phone, 4)) WHERE contact_phone <> '';
-- The deadlines still to be met: by due time (the board's figures, the
-- overdue filter) and by step and due time (the board's lists, the "step
-- due" filter).
CREATE INDEX case_deadlines_unmet_idx ON case_deadlines (due_at, case_id)
    WHERE met_at IS NULL AND superseded_at IS NULL;
CREATE INDEX case_deadlines_unmet_step_idx ON case_deadlines (step, due_at, case_id)
    WHERE met_at IS NULL AND superseded_at IS NULL;

-- Words of the content, owners' names and serials are found through the
-- pairs of characters they contain: a text holding a word holds all of the
-- word's pairs, so a GIN index of each text's pairs narrows a search to the
-- few rows the LIKE then checks. Pairs, not pg_trgm's trigrams, because the
-- words people search Chinese complaints for are mostly two characters
-- (漏水, 噪音, 电梯, 停车), which no trigram index can find; and this needs
-- no extension. (lower() follows the database's fixed locale.)
CREATE FUNCTION heed_bigrams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}') FROM generate_series(1, length(t) - 1) i $$;
CREATE INDEX cases_content_bigrams_idx ON cases USING gin (heed_bigrams(content));
CREATE INDEX cases_customer_name_bigrams_idx ON cases USING gin (heed_bigrams(customer_name));
CREATE INDEX cases_serial_bigrams_idx ON cases USING gin (heed_bigrams(serial));

-- +goose Down
DROP INDEX cases_serial_bigrams_idx;
DROP INDEX cases_customer_name_bigrams_idx;
DROP INDEX cases_content_bigrams_idx;
DROP FUNCTION heed_bigrams;
DROP INDEX case_deadlines_unmet_step_idx;
DROP INDEX case_deadlines_unmet_idx;
DROP INDEX cases_phone_tail_idx;
DROP INDEX cases_updated_idx;
DROP INDEX cases_urgent_received_idx;
DROP INDEX cases_collective_received_idx;
DROP INDEX cases_repeat_received_idx;
DROP INDEX cases_major_received_idx;
DROP INDEX cases_handler_received_idx;
DROP INDEX cases_channel_received_idx;
DROP INDEX cases_department_received_idx;
DROP INDEX cases_community_received_idx;
DROP INDEX cases_category_received_idx;
DROP INDEX cases_status_received_idx;
DROP TABLE desk_sessions;
DROP TABLE desk_signin_requests;
DROP TABLE desk_signin_links;
