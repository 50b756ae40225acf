-- name: planner
-- The register's pages are in memory or on SSD: with PostgreSQL's default
-- random_page_cost (4, for spinning disks) the planner scans all five
-- million deadlines of a million cases instead of looking up a quarter's
-- through the index — 0.6 s instead of 0.18 s.
SET LOCAL random_page_cost = 1.1;

-- name: export-snapshot
SELECT pg_export_snapshot();

-- name: totals
-- The cases received in [$1, $2).
SELECT count(*) AS total,
    count(*) FILTER (WHERE validity = 'valid') AS valid,
    count(*) FILTER (WHERE validity = 'invalid') AS invalid,
    count(*) FILTER (WHERE validity NOT IN ('valid', 'invalid')) AS pending,
    count(*) FILTER (WHERE major) AS major,
    count(*) FILTER (WHERE repeat) AS repeat,
    count(*) FILTER (WHERE complainants > 1) AS collective
FROM cases WHERE received_at >= $1 AND received_at < $2;

-- name: category-counts
-- The previous period's cases per category, to compare with.
SELECT category AS key, count(*) AS count FROM cases
WHERE received_at >= $1 AND received_at < $2 GROUP BY category;

-- name: recurring
-- $3 or more cases of one category in one community within the period.
SELECT category, community, count(*) AS count,
    array_agg(serial ORDER BY received_at, serial) AS serials
FROM cases WHERE received_at >= $1 AND received_at < $2
GROUP BY category, community HAVING count(*) >= $3
ORDER BY count(*) DESC, category, community;

-- name: responsibility
SELECT responsibility AS key, count(*) AS count FROM cases
WHERE received_at >= $1 AND received_at < $2 AND validity <> 'invalid'
GROUP BY 1 ORDER BY 2 DESC, 1;

-- name: capa
SELECT capa_report, serial, category, status, responsibility, responsible_staff
FROM cases WHERE received_at >= $1 AND received_at < $2 AND capa_report <> ''
ORDER BY capa_report, serial;

-- name: compliance
-- Each step's deadlines of the cases received in [$1, $2), as at $3. A
-- superseded deadline (re-dispatch) that was neither met nor missed never
-- fell due; one missed before it was superseded stays a miss.
SELECT d.step,
    count(*) FILTER (WHERE d.met_at IS NOT NULL AND d.met_at <= d.due_at) AS in_time,
    count(*) FILTER (WHERE d.met_at IS NOT NULL AND d.met_at > d.due_at) AS late,
    count(*) FILTER (WHERE d.met_at IS NULL AND (d.missed_at IS NOT NULL OR d.due_at < $3)) AS missed,
    count(*) FILTER (WHERE d.met_at IS NULL AND d.missed_at IS NULL AND d.due_at >= $3) AS pending
FROM case_deadlines d JOIN cases c ON c.id = d.case_id
WHERE c.received_at >= $1 AND c.received_at < $2
  AND NOT (d.superseded_at IS NOT NULL AND d.met_at IS NULL AND d.missed_at IS NULL)
GROUP BY d.step;

-- name: revisits
-- $3 is the serials of the cases whose revisit the owner answered since $1
-- (the revisits are package conversation's: report.Facts gives them).
WITH answered AS (SELECT DISTINCT s AS serial FROM unnest($3::text[]) s),
c AS (
    SELECT c.*, (a.serial IS NOT NULL OR c.verify_timeliness IS NOT NULL
              OR c.verify_satisfaction IS NOT NULL OR c.verify_attitude IS NOT NULL) AS revisited,
           (c.validity = 'valid' AND c.status IN ('verified', 'closed', 'archived')) AS eligible
    FROM cases c LEFT JOIN answered a ON a.serial = c.serial
    WHERE c.received_at >= $1 AND c.received_at < $2)
SELECT count(*) FILTER (WHERE revisited) AS revisited,
       count(*) FILTER (WHERE eligible) AS eligible,
       count(*) FILTER (WHERE eligible AND revisited) AS eligible_revisited,
       count(*) FILTER (WHERE verify_timeliness IS NOT NULL OR verify_satisfaction IS NOT NULL
                          OR verify_attitude IS NOT NULL) AS scored,
       avg(verify_timeliness)::float8 AS timeliness,
       avg(verify_satisfaction)::float8 AS satisfaction,
       avg(verify_attitude)::float8 AS attitude
FROM c;

-- name: trend
-- Cases per category and bucket ($4: week or month, in time zone $3).
SELECT category,
    to_char(date_trunc($4, received_at AT TIME ZONE $3), 'YYYY-MM-DD') AS bucket, count(*) AS count
FROM cases WHERE received_at >= $1 AND received_at < $2 GROUP BY 1, 2;

-- name: register
-- The register's rows of the cases received in [$1, $2), oldest first.
SELECT serial, received_at, channel, customer_name, contact_phone,
    community, unit, content, purpose, address, requested_reply_by, category, urgency, validity, department, status, major, repeat,
    complainants, measures, reply, verify_timeliness, verify_satisfaction, verify_attitude, closed_at,
    assisting_departments, handler, recorded_by, specialist_opinion, feedback, responsibility,
    responsible_staff, accountability, capa_report, developer_referred_at, developer_answer, head_office_at, dispute, signals
FROM cases WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at, serial;

-- name: signal-counts
-- The cases received in [$1, $2) with each signal of a major complaint.
SELECT s AS key, count(*) AS count FROM cases, unnest(signals) s
WHERE received_at >= $1 AND received_at < $2 GROUP BY s;

