package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/xuri/excelize/v2"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// registerRow is one line of the register (投诉登记表).
type registerRow struct {
	Serial             string     `db:"serial"`
	ReceivedAt         time.Time  `db:"received_at"`
	Channel            string     `db:"channel"`
	CustomerName       string     `db:"customer_name"`
	ContactPhone       string     `db:"contact_phone"`
	Community          string     `db:"community"`
	Unit               string     `db:"unit"`
	Content            string     `db:"content"`
	Purpose            string     `db:"purpose"`
	Address            string     `db:"address"`
	RequestedReplyBy   *time.Time `db:"requested_reply_by"`
	Category           string     `db:"category"`
	Urgency            string     `db:"urgency"`
	Validity           string     `db:"validity"`
	Department         string     `db:"department"`
	Status             string     `db:"status"`
	Major              bool       `db:"major"`
	Repeat             bool       `db:"repeat"`
	Complainants       int        `db:"complainants"`
	Measures           string     `db:"measures"`
	Reply              string     `db:"reply"`
	VerifyTimeliness   *int       `db:"verify_timeliness"`
	VerifySatisfaction *int       `db:"verify_satisfaction"`
	VerifyAttitude     *int       `db:"verify_attitude"`
	ClosedAt           *time.Time `db:"closed_at"`
	// Columns 24–34: who handled and recorded it, what the specialist and
	// the owner said, the responsibility finding and CAPA, the side paths.
	Assisting           pq.StringArray `db:"assisting_departments"`
	Handler             string         `db:"handler"`
	RecordedBy          string         `db:"recorded_by"`
	SpecialistOpinion   string         `db:"specialist_opinion"`
	Feedback            string         `db:"feedback"`
	Responsibility      string         `db:"responsibility"`
	ResponsibleStaff    string         `db:"responsible_staff"`
	Accountability      string         `db:"accountability"`
	CAPAReport          string         `db:"capa_report"`
	DeveloperReferredAt *time.Time     `db:"developer_referred_at"`
	DeveloperAnswer     string         `db:"developer_answer"`
	HeadOfficeAt        *time.Time     `db:"head_office_at"`
	Dispute             string         `db:"dispute"`
	// Column 35: the signals of a major complaint the owner's words held.
	Signals pq.StringArray `db:"signals"`
}

// registerColumns is the number of the register's columns.
const registerColumns = 35

// closedColumn is the index of the register's 闭合时间.
const closedColumn = 22

// RegisterHeader is the register's header row in lang.
func RegisterHeader(lang Lang) []string {
	h := make([]string, registerColumns)
	for i := range h {
		h[i] = lang.T(fmt.Sprintf("reg.%02d", i+1))
	}
	return h
}

// column widths of the XLSX register, in characters.
var registerWidths = []float64{17, 17, 10, 10, 14, 10, 10, 40, 24, 10, 8, 8, 12, 12, 8, 8, 8, 30, 30, 7, 7, 8, 17,
	16, 10, 10, 30, 24, 10, 10, 20, 16, 30, 24, 24}

// eachRegisterRow calls f with every case received in p, oldest first.
func eachRegisterRow(ctx context.Context, db *sqlx.DB, p Period, f func(*registerRow) error) error {
	rows, err := db.QueryxContext(ctx, q.Register, p.From, p.To)
	if err != nil {
		return fmt.Errorf("report: register: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r registerRow
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("report: register: %w", err)
		}
		if err := f(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func score(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

// purpose is the 投诉目的、要求 cell: the owner's demands and the reply
// time they asked for.
func (r *registerRow) purpose(n names) string {
	if r.RequestedReplyBy == nil {
		return r.Purpose
	}
	loc, err := n.cfg.Calendar.Location()
	if err != nil {
		loc = time.UTC
	}
	by := n.lang.T("reg.reply_by") + r.RequestedReplyBy.In(loc).Format("2006-01-02")
	if r.Purpose == "" {
		return by
	}
	return r.Purpose + "；" + by
}

// texts is the row as the CSV shows it; times are left to the caller.
func (r *registerRow) texts(n names) []string {
	l := n.lang
	return []string{r.Serial, "", l.Channel(r.Channel), r.CustomerName, r.ContactPhone,
		n.community(r.Community), strings.TrimSpace(r.Unit + " " + r.Address), r.Content, r.purpose(n), n.category(r.Category),
		l.name("urgency", r.Urgency), l.name("validity", r.Validity), n.department(r.Department),
		l.Status(r.Status), l.yesNo(r.Major), l.yesNo(r.Repeat), strconv.Itoa(r.Complainants),
		r.Measures, r.Reply, score(r.VerifyTimeliness), score(r.VerifySatisfaction), score(r.VerifyAttitude), "",
		n.departments(r.Assisting), n.staff(r.Handler), n.recorder(r.RecordedBy), r.SpecialistOpinion, r.Feedback,
		r.responsibility(l), n.staff(r.ResponsibleStaff), r.Accountability, r.CAPAReport, r.developer(l), r.headOffice(l),
		l.signals(r.Signals)}
}

// responsibility is the finding as the register names it; empty until one
// was made, like the CAPA number.
func (r *registerRow) responsibility(l Lang) string {
	if r.Responsibility == "" {
		return ""
	}
	return l.name("resp", r.Responsibility)
}

// developer says whether a case went to the developer and what it answered.
func (r *registerRow) developer(l Lang) string {
	switch {
	case r.DeveloperReferredAt == nil:
		return ""
	case r.DeveloperAnswer == "":
		return l.T("reg.developer_waiting")
	}
	return r.DeveloperAnswer
}

// headOffice is the owner's dispute that went to head office.
func (r *registerRow) headOffice(l Lang) string {
	if r.HeadOfficeAt == nil {
		return ""
	}
	if r.Dispute == "" {
		return l.yesNo(true)
	}
	return r.Dispute
}

// WriteCSV writes the register of the cases received in p as CSV: UTF-8
// with a byte-order mark (so that Excel reads the Chinese right), headers
// and heed's names in lang, times in the company's time zone.
func WriteCSV(ctx context.Context, db *sqlx.DB, cfg *config.Config, p Period, lang Lang, w io.Writer) error {
	if err := loadQueries(); err != nil {
		return err
	}
	return writeCSV(cfg, lang, w, func(f func(*registerRow) error) error { return eachRegisterRow(ctx, db, p, f) })
}

// Cases gives the cases of a register, in the order it lists them, to f
// one by one — such as the desk's filtered selection
// (cases.Service.EachRegisterCase).
type Cases func(ctx context.Context, f func(*cases.Case) error) error

// WriteCSVOf writes the register of the cases each gives as WriteCSV does.
func WriteCSVOf(ctx context.Context, cfg *config.Config, each Cases, lang Lang, w io.Writer) error {
	return writeCSV(cfg, lang, w, rowsOf(ctx, each))
}

// WriteXLSXOf writes the register of the cases each gives as WriteXLSX does.
func WriteXLSXOf(ctx context.Context, cfg *config.Config, each Cases, lang Lang, w io.Writer) error {
	return writeXLSX(cfg, lang, w, rowsOf(ctx, each))
}

// rowsOf reads the register's lines off the cases each gives.
func rowsOf(ctx context.Context, each Cases) func(func(*registerRow) error) error {
	return func(f func(*registerRow) error) error {
		return each(ctx, func(c *cases.Case) error {
			return f(&registerRow{Serial: c.Serial, ReceivedAt: c.ReceivedAt, Channel: string(c.Channel),
				CustomerName: c.CustomerName, ContactPhone: c.ContactPhone, Community: c.Community, Unit: c.Unit,
				Content: c.Content, Purpose: c.Purpose, Address: c.Address, RequestedReplyBy: c.RequestedReplyBy,
				Category: c.Category, Urgency: string(c.Urgency), Validity: string(c.Validity), Department: c.Department,
				Status: string(c.Status), Major: c.Major, Repeat: c.Repeat, Complainants: c.Complainants,
				Measures: c.Measures, Reply: c.Reply, VerifyTimeliness: c.VerifyTimeliness,
				VerifySatisfaction: c.VerifySatisfaction, VerifyAttitude: c.VerifyAttitude, ClosedAt: c.ClosedAt,
				Assisting: c.Assisting, Handler: c.Handler, RecordedBy: c.RecordedBy, SpecialistOpinion: c.SpecialistOpinion,
				Feedback: c.Feedback, Responsibility: c.Responsibility, ResponsibleStaff: c.ResponsibleStaff,
				Accountability: c.Accountability, CAPAReport: c.CAPAReport, DeveloperReferredAt: c.DeveloperReferredAt,
				DeveloperAnswer: c.DeveloperAnswer, HeadOfficeAt: c.HeadOfficeAt, Dispute: c.Dispute, Signals: c.Signals})
		})
	}
}

func writeCSV(cfg *config.Config, lang Lang, w io.Writer, rows func(func(*registerRow) error) error) error {
	lang, err := ParseLang(string(lang))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	loc, err := cfg.Calendar.Location()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(RegisterHeader(lang)); err != nil {
		return err
	}
	n := newNames(cfg, lang)
	const layout = "2006-01-02 15:04"
	err = rows(func(r *registerRow) error {
		rec := r.texts(n)
		rec[1] = r.ReceivedAt.In(loc).Format(layout)
		if r.ClosedAt != nil {
			rec[closedColumn] = r.ClosedAt.In(loc).Format(layout)
		}
		for i := range rec {
			rec[i] = csvCell(rec[i])
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// csvCell neutralises a cell a spreadsheet would take for a formula — one
// starting with =, +, -, @, a tab or a carriage return, as an owner's text
// or a phone number "+852…" may — by a leading apostrophe (OWASP's advice):
// Excel shows the text as written, "+" included, and runs nothing.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// RegisterSheet is the name of the XLSX register's sheet in lang.
func RegisterSheet(lang Lang) string { return lang.T("reg.sheet") }

// excelTime is t's wall clock in loc as a zone-less time, which is how
// spreadsheets keep dates.
func excelTime(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// WriteXLSX writes the register of the cases received in p as a
// spreadsheet: sheet name, headers and heed's names in lang, a frozen, bold
// header row, column widths, times as dates in the company's time zone,
// scores and counts as numbers.
func WriteXLSX(ctx context.Context, db *sqlx.DB, cfg *config.Config, p Period, lang Lang, w io.Writer) error {
	if err := loadQueries(); err != nil {
		return err
	}
	return writeXLSX(cfg, lang, w, func(f func(*registerRow) error) error { return eachRegisterRow(ctx, db, p, f) })
}

func writeXLSX(cfg *config.Config, lang Lang, w io.Writer, rows func(func(*registerRow) error) error) error {
	lang, err := ParseLang(string(lang))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	sheet := RegisterSheet(lang)
	header := RegisterHeader(lang)
	loc, err := cfg.Calendar.Location()
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close() //nolint:errcheck
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd hh:mm"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	for i, wd := range registerWidths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	n := newNames(cfg, lang)
	row := 1
	err = rows(func(r *registerRow) error {
		row++
		texts := r.texts(n)
		vals := make([]any, len(texts))
		for i, s := range texts {
			vals[i] = s
		}
		vals[1] = excelize.Cell{StyleID: date, Value: excelTime(r.ReceivedAt, loc)}
		vals[16] = r.Complainants
		for i, v := range []*int{r.VerifyTimeliness, r.VerifySatisfaction, r.VerifyAttitude} {
			if v != nil {
				vals[19+i] = *v
			} else {
				vals[19+i] = nil
			}
		}
		if r.ClosedAt != nil {
			vals[closedColumn] = excelize.Cell{StyleID: date, Value: excelTime(*r.ClosedAt, loc)}
		} else {
			vals[closedColumn] = nil
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if row > 1 {
		last, err := excelize.CoordinatesToCellName(len(header), row)
		if err != nil {
			return err
		}
		if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}
