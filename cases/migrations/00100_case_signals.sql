-- +goose Up
-- Every signal of a major complaint the owner's words hold (lawsuit, media,
-- hotline, petition, collective: config.Signals), not only the two the
-- lawsuit and media flags keep. rules.major_signals says which make a
-- case major; the others are warnings on the cards and figures in the
-- analysis. The flags stay: lawsuit and media are also in signals.
ALTER TABLE cases ADD COLUMN signals text[] NOT NULL DEFAULT '{}';
UPDATE cases SET signals = array_remove(ARRAY[
    CASE WHEN lawsuit THEN 'lawsuit' END,
    CASE WHEN media THEN 'media' END], NULL)
WHERE lawsuit OR media;

-- +goose Down
ALTER TABLE cases DROP COLUMN signals;
