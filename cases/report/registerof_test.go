package report

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/heedhq/heed/cases"
)

// TestRegisterOfCasesIsTheRegister: the register of a stream of cases (the
// desk's filtered export) is, line for line and cell for cell, the register
// of the period those cases were received in — every one of its 34 columns
// filled on some line.
func TestRegisterOfCasesIsTheRegister(t *testing.T) {
	db, cfg, _, p := setup(t)
	// Fill the columns the seed leaves empty, on a few lines.
	if _, err := db.Exec(`UPDATE cases SET address = '滨江路1号', purpose = '尽快维修', requested_reply_by = received_at + interval '3 days',
		urgency = 'urgent', measures = '已更换水管', reply = '已修好', assisting_departments = '{security}', handler = 'eng.zhang',
		recorded_by = 'cs.zhoumin', specialist_opinion = '属实', feedback = '满意', responsibility = 'quality_defect',
		responsible_staff = 'eng.zhang', accountability = '通报', capa_report = 'CAPA-7', developer_referred_at = received_at,
		developer_answer = '', head_office_at = received_at, dispute = '不认可'
		WHERE serial IN ('TS-2026-000002', 'TS-2026-000005', 'TS-2026-000031')`); err != nil {
		t.Fatal(err)
	}
	svc, err := cases.NewService(db, cfg, func() time.Time { return p.To })
	if err != nil {
		t.Fatal(err)
	}
	each := func(ctx context.Context, f func(*cases.Case) error) error {
		return svc.EachRegisterCase(ctx, cases.RegisterFilter{From: &p.From, To: &p.To, Sort: cases.SortReceivedAsc}, 1000, f)
	}
	ctx := context.Background()
	for _, lang := range Langs {
		var period, of bytes.Buffer
		if err := WriteCSV(ctx, db, cfg, p, lang, &period); err != nil {
			t.Fatal(err)
		}
		if err := WriteCSVOf(ctx, cfg, each, lang, &of); err != nil {
			t.Fatal(err)
		}
		if period.String() != of.String() {
			t.Errorf("%s: the CSV of the cases differs from the period's:\n%s\n---\n%s", lang, of.String()[:min(of.Len(), 2000)], period.String()[:min(period.Len(), 2000)])
		}
		if !bytes.Contains(of.Bytes(), []byte("CAPA-7")) || !bytes.Contains(of.Bytes(), []byte("不认可")) {
			t.Errorf("%s: the filled columns are not in the CSV", lang)
		}
		period.Reset()
		of.Reset()
		if err := WriteXLSX(ctx, db, cfg, p, lang, &period); err != nil {
			t.Fatal(err)
		}
		if err := WriteXLSXOf(ctx, cfg, each, lang, &of); err != nil {
			t.Fatal(err)
		}
		a, b := sheetRows(t, &period, lang), sheetRows(t, &of, lang)
		if len(a) != 89 || len(a) != len(b) {
			t.Fatalf("%s: %d rows of the period, %d of the cases", lang, len(a), len(b))
		}
		for i := range a {
			for j := range max(len(a[i]), len(b[i])) {
				if cell(a[i], j) != cell(b[i], j) {
					t.Errorf("%s: row %d column %d: %q of the cases, %q of the period", lang, i+1, j+1, cell(b[i], j), cell(a[i], j))
				}
			}
		}
	}
}

func sheetRows(t *testing.T, b *bytes.Buffer, lang Lang) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(RegisterSheet(lang))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}
