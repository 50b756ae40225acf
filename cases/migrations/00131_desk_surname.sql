-- +goose Up
-- The desk's register searches one character as a surname: the owners'
-- names it begins (bots/console; a scan of every text for one character
-- took seconds on a million cases).
CREATE INDEX cases_customer_name_prefix_idx ON cases (customer_name text_pattern_ops);

-- +goose Down
DROP INDEX cases_customer_name_prefix_idx;
