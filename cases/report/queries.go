package report

import (
	_ "embed"
	"sync"

	"github.com/heedhq/heed/cases/sqlset"
)

// The report's fixed statements are the named blocks of queries.sql, filled
// into q on the first report; Analyze, WriteCSV and WriteXLSX return the
// error of a missing, misspelt or unused block before reading anything.
// The counts per column (category, department, …) are built in Go.

//go:embed queries.sql
var queriesSQL string

var q struct {
	Planner        string `sql:"planner"`
	ExportSnapshot string `sql:"export-snapshot"`
	Totals         string `sql:"totals"`
	CategoryCounts string `sql:"category-counts"`
	Recurring      string `sql:"recurring"`
	Responsibility string `sql:"responsibility"`
	CAPA           string `sql:"capa"`
	Compliance     string `sql:"compliance"`
	Revisits       string `sql:"revisits"`
	Trend          string `sql:"trend"`
	Register       string `sql:"register"`
	SignalCounts   string `sql:"signal-counts"`
}

var loadQueries = sync.OnceValue(func() error { return sqlset.Load(&q, "report", queriesSQL) })
