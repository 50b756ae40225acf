-- +goose Up
-- Developer-caused complaints (开发商遗留问题, 004 §7.2.4): invalid for the
-- company, forwarded to the developer and followed up until it answers.
-- Disputed results go to head office (003 §5.6).
ALTER TABLE cases
    ADD COLUMN developer_referred_at timestamptz,
    ADD COLUMN developer_reminded_at timestamptz,
    ADD COLUMN developer_answer      text NOT NULL DEFAULT '',
    ADD COLUMN developer_answered_at timestamptz,
    ADD COLUMN head_office_at        timestamptz,
    ADD COLUMN dispute               text NOT NULL DEFAULT '';
CREATE INDEX cases_developer_pending_idx ON cases (developer_referred_at)
    WHERE developer_referred_at IS NOT NULL AND developer_answered_at IS NULL;

-- +goose Down
DROP INDEX cases_developer_pending_idx;
ALTER TABLE cases
    DROP COLUMN developer_referred_at, DROP COLUMN developer_reminded_at,
    DROP COLUMN developer_answer, DROP COLUMN developer_answered_at,
    DROP COLUMN head_office_at, DROP COLUMN dispute;
