-- The web chat's statements (queries.go loads them with cases/sqlset; New
-- panics on a missing, misspelt or unused block).
--
-- Table this package owns — no other package's SQL names it:
--   web_chat_uploads   the photo bytes each session booked, for its daily budget
--
-- The photos of a complaint being filled in are the conversation engine's
-- (conversation.DraftPhotoBytes).

-- name: upload-lock
-- A session's bookings take turns.
-- $1 is locks.WebUploads followed by the session (cases/locks).
SELECT pg_advisory_xact_lock(hashtextextended($1, 0));

-- name: forget-uploads
DELETE FROM web_chat_uploads WHERE at < $1;

-- name: session-upload-bytes
SELECT coalesce(sum(bytes), 0) FROM web_chat_uploads WHERE session = $1;

-- name: book-upload
INSERT INTO web_chat_uploads (session, bytes, at) VALUES ($1, $2, $3) RETURNING id;

-- name: release-upload
DELETE FROM web_chat_uploads WHERE id = $1;
