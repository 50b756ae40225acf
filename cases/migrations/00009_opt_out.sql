-- +goose Up
-- An owner who said 退订 / stop gets no bulletins, surveys or revisit
-- questionnaires; notices about their own complaints still go out.
ALTER TABLE owner_profiles ADD COLUMN opted_out boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE owner_profiles DROP COLUMN opted_out;
