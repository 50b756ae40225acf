-- +goose Up
-- A revisit answered on the phone (回访电话): the specialist enters the
-- owner's answers at the desk. How each revisit was answered, and who took
-- a phone answer, so the worklist and the reports can tell the two apart.
ALTER TABLE revisits ADD COLUMN answered_via text NOT NULL DEFAULT '',
                     ADD COLUMN answered_by  text NOT NULL DEFAULT '';
UPDATE revisits SET answered_via = 'chat' WHERE answered_at IS NOT NULL;
-- The worklist's "answered lately".
CREATE INDEX revisits_answered_idx ON revisits (answered_at) WHERE answered_at IS NOT NULL;

-- +goose Down
DROP INDEX revisits_answered_idx;
ALTER TABLE revisits DROP COLUMN answered_via, DROP COLUMN answered_by;
