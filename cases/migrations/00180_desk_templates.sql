-- +goose Up
-- Reply templates (notify/desk): the company's prepared texts for the
-- answer to the owner (reply), the explanation of an invalid complaint
-- (invalid) and common measures (measure), kept and edited at the desk,
-- offered by every form that asks for such a text — the console's, Slack's
-- modal, Telegram's prompt — and always edited before they are sent.
-- category '' is a template for every category.
CREATE TABLE desk_templates (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('reply', 'invalid', 'measure')),
    title      text NOT NULL CHECK (title <> ''),
    body       text NOT NULL CHECK (body <> ''),
    category   text NOT NULL DEFAULT '',
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX desk_templates_kind_idx ON desk_templates (kind, category);

-- +goose Down
DROP TABLE desk_templates;
