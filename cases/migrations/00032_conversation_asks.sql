-- +goose Up
-- Whether heed's last question to an owner is one a numbered reply answers
-- is kept in the conversation's state ("asks"), written by the engine;
-- this computes it once for the conversations saved before.
UPDATE conversations v SET data = jsonb_set(v.data, '{asks}', to_jsonb(EXISTS (
    SELECT 1 FROM jsonb_array_elements(v.data->'choices') c
    WHERE coalesce(c->>'data', '') NOT LIKE 'cmd:%' AND coalesce(c->>'data', '') NOT LIKE 'sv:%')))
WHERE jsonb_typeof(v.data->'choices') = 'array';

-- +goose Down
UPDATE conversations SET data = data - 'asks';
