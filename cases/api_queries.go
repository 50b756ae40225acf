package cases

import "context"

// apiQ are the statements of queries.sql's "-- api" block.
var apiQ struct {
	CountByStatus string `sql:"count-by-status"`
}

func init() { querySets = append(querySets, &apiQ) }

// CountByStatus is how many cases are in each status (the heed_cases
// metric), read when asked; a status no case is in is absent. Its statement
// is in queries.sql's "-- api" block.
func (s *Service) CountByStatus(ctx context.Context) (map[Status]int64, error) {
	rows, err := s.db.QueryContext(ctx, apiQ.CountByStatus)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Status]int64{}
	for rows.Next() {
		var st Status
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}
