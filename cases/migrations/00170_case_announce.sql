-- +goose Up
-- A case announces its changes: whenever a statement changes rows of cases
-- or records events in case_events, the serials touched are sent on the
-- channel heed_case (NOTIFY), which the desk in a browser follows to show
-- a change made in Slack or Telegram without a reload (cases.Feed). A new
-- case is announced by its "create" event, recorded with it; a bulk load
-- of cases outside heed (a benchmark's seed) adds rows without events and
-- is not announced, nor slowed by a transition table of its rows. NOTIFY
-- is transactional: the announcement leaves only when the change commits,
-- a rolled-back change says nothing, and a transaction that touches one
-- case many times announces it once (PostgreSQL folds equal payloads).
-- A statement touching more than 100 cases (a backfill, a bulk load)
-- announces '*' once — "many changed, look again" — instead of a flood.
-- Only the serial is sent: what a listener may see of the case it reads
-- through its own rules.

-- +goose StatementBegin
CREATE FUNCTION cases_announce() RETURNS trigger AS $$
BEGIN
    IF (SELECT count(*) FROM changed) > 100 THEN
        PERFORM pg_notify('heed_case', '*');
    ELSE
        PERFORM pg_notify('heed_case', serial) FROM changed;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION case_events_announce() RETURNS trigger AS $$
BEGIN
    IF (SELECT count(DISTINCT case_id) FROM changed) > 100 THEN
        PERFORM pg_notify('heed_case', '*');
    ELSE
        PERFORM pg_notify('heed_case', c.serial) FROM cases c WHERE c.id IN (SELECT case_id FROM changed);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER cases_announce_update AFTER UPDATE ON cases
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cases_announce();
CREATE TRIGGER case_events_announce AFTER INSERT ON case_events
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_events_announce();

-- +goose Down
DROP TRIGGER case_events_announce ON case_events;
DROP TRIGGER cases_announce_update ON cases;
DROP FUNCTION case_events_announce;
DROP FUNCTION cases_announce;
