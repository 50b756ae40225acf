-- +goose Up
-- The complaint record: B01 + the register (登记表) + the dispatch notice (处理通知单).

-- One gap-free sequence per year, shared by the register, the notice and the
-- original material. The row lock taken by the increment serialises creates;
-- a rolled-back create gives its number back.
CREATE TABLE serial_counters (
    year     int PRIMARY KEY,
    last_seq bigint NOT NULL
);

CREATE TABLE cases (
    id                    bigserial PRIMARY KEY,
    serial                text NOT NULL UNIQUE,
    version               int NOT NULL DEFAULT 1,
    status                text NOT NULL,
    channel               text NOT NULL,
    owner_ref             text NOT NULL DEFAULT '',
    customer_name         text NOT NULL DEFAULT '',
    contact_phone         text NOT NULL DEFAULT '',
    address               text NOT NULL DEFAULT '',
    community             text NOT NULL DEFAULT '',
    unit                  text NOT NULL DEFAULT '',
    content               text NOT NULL,
    purpose               text NOT NULL DEFAULT '',
    requested_reply_by    timestamptz,
    category              text NOT NULL,
    urgency               text NOT NULL DEFAULT 'normal',
    language              text NOT NULL DEFAULT 'zh-CN',
    received_at           timestamptz NOT NULL,
    recorded_by           text NOT NULL,
    summary               text NOT NULL DEFAULT '',
    specialist_opinion    text NOT NULL DEFAULT '',
    validity              text NOT NULL DEFAULT 'pending',
    validity_reason       text NOT NULL DEFAULT '',
    department            text NOT NULL DEFAULT '',
    assisting_departments text[] NOT NULL DEFAULT '{}',
    handler               text NOT NULL DEFAULT '',
    measures              text NOT NULL DEFAULT '',
    review_opinion        text NOT NULL DEFAULT '',
    review_deadline       timestamptz,
    approved_by           text NOT NULL DEFAULT '',
    reply                 text NOT NULL DEFAULT '',
    feedback              text NOT NULL DEFAULT '',
    feedback_satisfied    boolean,
    verify_timeliness     smallint CHECK (verify_timeliness BETWEEN 1 AND 5),
    verify_satisfaction   smallint CHECK (verify_satisfaction BETWEEN 1 AND 5),
    verify_attitude       smallint CHECK (verify_attitude BETWEEN 1 AND 5),
    verify_suggestions    text NOT NULL DEFAULT '',
    result                text NOT NULL DEFAULT '',
    capa_report           text NOT NULL DEFAULT '',
    responsibility        text NOT NULL DEFAULT '',
    responsible_staff     text NOT NULL DEFAULT '',
    accountability        text NOT NULL DEFAULT '',
    major                 boolean NOT NULL DEFAULT false,
    major_reason          text NOT NULL DEFAULT '',
    lawsuit               boolean NOT NULL DEFAULT false,
    media                 boolean NOT NULL DEFAULT false,
    repeat                boolean NOT NULL DEFAULT false,
    complainants          int NOT NULL DEFAULT 1 CHECK (complainants >= 1),
    needs_person          boolean NOT NULL DEFAULT false,
    reopen_count          int NOT NULL DEFAULT 0,
    closed_at             timestamptz,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE INDEX cases_status_idx ON cases (status);
CREATE INDEX cases_received_idx ON cases (received_at);
CREATE INDEX cases_owner_idx ON cases (owner_ref) WHERE owner_ref <> '';
CREATE INDEX cases_phone_idx ON cases (contact_phone) WHERE contact_phone <> '';

CREATE TABLE case_attachments (
    id       bigserial PRIMARY KEY,
    case_id  bigint NOT NULL REFERENCES cases (id),
    kind     text NOT NULL,
    ref      text NOT NULL,
    name     text NOT NULL DEFAULT '',
    mime     text NOT NULL DEFAULT '',
    size     bigint NOT NULL DEFAULT 0,
    added_at timestamptz NOT NULL,
    added_by text NOT NULL
);
CREATE INDEX case_attachments_case_idx ON case_attachments (case_id);

CREATE TABLE case_links (
    case_id    bigint NOT NULL REFERENCES cases (id),
    related_id bigint NOT NULL REFERENCES cases (id),
    kind       text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, related_id),
    CHECK (case_id <> related_id)
);

-- The append-only history. UPDATE and DELETE are refused by a trigger.
CREATE TABLE case_events (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id),
    at            timestamptz NOT NULL,
    actor_kind    text NOT NULL,
    actor_id      text NOT NULL,
    actor_name    text NOT NULL DEFAULT '',
    platform_user text NOT NULL DEFAULT '',
    channel       text NOT NULL,
    action        text NOT NULL,
    from_status   text NOT NULL DEFAULT '',
    to_status     text NOT NULL DEFAULT '',
    changes       jsonb NOT NULL DEFAULT '{}',
    note          text NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);

-- +goose StatementBegin
CREATE FUNCTION case_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER case_events_no_change BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- Deadlines per step. A re-dispatch supersedes the open dispatch-based ones
-- and starts new rows, so every miss stays on record for the reports.
CREATE TABLE case_deadlines (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id),
    step          text NOT NULL,
    due_at        timestamptz NOT NULL,
    met_at        timestamptz,
    missed_at     timestamptz,
    superseded_at timestamptz
);
CREATE INDEX case_deadlines_case_idx ON case_deadlines (case_id);
CREATE INDEX case_deadlines_open_idx ON case_deadlines (due_at)
    WHERE met_at IS NULL AND missed_at IS NULL AND superseded_at IS NULL;

-- +goose Down
DROP TABLE case_deadlines;
DROP TABLE case_events;
DROP FUNCTION case_events_append_only;
DROP TABLE case_links;
DROP TABLE case_attachments;
DROP TABLE cases;
DROP TABLE serial_counters;
