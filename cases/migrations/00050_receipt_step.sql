-- +goose Up
-- The deadline of telling the owner "we have your complaint" was called
-- "acknowledge", the name of the department's 受理 action: a case read
-- through the API showed "acknowledge" met at registration, before any
-- department had acknowledged it. The step is "receipt" now; the
-- department's 受理 meets the "investigate" deadline, as before.
UPDATE case_deadlines SET step = 'receipt' WHERE step = 'acknowledge';

-- +goose Down
UPDATE case_deadlines SET step = 'acknowledge' WHERE step = 'receipt';
