-- +goose Up
-- Satisfaction surveys (问卷, 004 §5.4). A run is one questionnaire sent to
-- one community; at most one run of a survey is open per community, so a
-- retried start finds the first run instead of asking everyone again.
CREATE TABLE survey_runs (
    id                bigserial PRIMARY KEY,
    survey            text NOT NULL,        -- the config's survey id
    community         text NOT NULL,
    definition        jsonb NOT NULL,       -- the questionnaire as sent: answers are read against it
    created_by        text NOT NULL DEFAULT '',
    opened_at         timestamptz NOT NULL,
    closes_at         timestamptz NOT NULL,
    closed_at         timestamptz,
    summary_posted_at timestamptz           -- set with closed_at, in the transaction that queues the summary
);
CREATE UNIQUE INDEX survey_runs_open_idx ON survey_runs (survey, community) WHERE closed_at IS NULL;
CREATE INDEX survey_runs_due_idx ON survey_runs (closes_at) WHERE closed_at IS NULL;

-- Every owner considered for a run, once: sent, waiting (in the middle of a
-- complaint: asked when it is done) or skipped with the reason.
CREATE TABLE survey_recipients (
    run_id       bigint NOT NULL REFERENCES survey_runs (id),
    owner_ref    text NOT NULL,
    channel      text NOT NULL,
    chat_id      text NOT NULL,
    skipped      text NOT NULL DEFAULT '',  -- opted_out | platform_off
    current      text NOT NULL DEFAULT '',  -- id of the question being asked; '' when completed or skipped
    created_at   timestamptz NOT NULL,
    sent_at      timestamptz,               -- first question sent
    answered_at  timestamptz,               -- first answer
    completed_at timestamptz,               -- last answer
    PRIMARY KEY (run_id, owner_ref)
);
-- An owner's unfinished surveys (the next waiting one; 退订 leaves them all;
-- whether a new run finds the owner busy): only rows still being asked.
CREATE INDEX survey_recipients_owner_idx ON survey_recipients (owner_ref) WHERE current <> '';

-- One answer per owner per question: a repeated button press changes nothing.
CREATE TABLE survey_answers (
    run_id      bigint NOT NULL,
    owner_ref   text NOT NULL,
    question    text NOT NULL,
    score       int CHECK (score BETWEEN 1 AND 5), -- scale
    option      int,                               -- choice: 1-based index into the options
    text        text,                              -- text
    skipped     boolean NOT NULL DEFAULT false,
    answered_at timestamptz NOT NULL,
    PRIMARY KEY (run_id, owner_ref, question),
    FOREIGN KEY (run_id, owner_ref) REFERENCES survey_recipients (run_id, owner_ref)
);

-- +goose Down
DROP TABLE survey_answers;
DROP TABLE survey_recipients;
DROP TABLE survey_runs;
