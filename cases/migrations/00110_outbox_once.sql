-- +goose Up
-- A row whose send's outcome heed never learned is sent again by itself,
-- unless it is to be sent once (a bulletin's target, a WeChat mass send):
-- then it waits, 'uncertain', for a person's word. The row itself says so,
-- so that the outbox (package notify) reads no bulletin's table.
ALTER TABLE outbox ADD COLUMN once boolean NOT NULL DEFAULT false;
UPDATE outbox o SET once = true
WHERE o.state <> 'sent'
  AND (o.kind = 'mass_by_tag' OR EXISTS (SELECT 1 FROM bulletin_targets b WHERE b.outbox_id = o.id));
-- Reclaiming no longer looks a row up among the bulletins' targets.
DROP INDEX bulletin_targets_outbox_idx;

-- +goose Down
CREATE INDEX bulletin_targets_outbox_idx ON bulletin_targets (outbox_id);
ALTER TABLE outbox DROP COLUMN once;
