package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

// Revisits (回访): the worklist — every case due for its revisit and where
// it stands — with the call list on top, and a form per call where the
// specialist enters the owner's answers, stored as a phone revisit through
// notify/desk (package conversation owns the revisits). The complaint
// desk's pages: notify/desk refuses anyone else.

// revisitsView is the worklist's data, in sections.
type revisitsView struct {
	ToCall, Answered []revisitRow
	// Waiting: asked on chat, and not asked yet.
	Waiting  [2]revisitSection
	NotDrawn int
	// Capped: the worklist reached conversation.MaxWorklist waiting cases,
	// the oldest; newer ones are not listed.
	Capped  bool
	Max     int
	Done    string // the serial of the revisit just entered
	CanCall bool   // the person may enter a phone revisit (mayCall)
}

// revisitSection is a list of the worklist: its heading's id and text.
type revisitSection struct {
	ID, Key string
	Rows    []revisitRow
}

// revisitRow is a case of the worklist as the signed-in person sees it.
type revisitRow struct {
	conversation.RevisitItem
	Phone string // as Person.Phone allows
	Whole bool   // Phone is the whole number (a link to call it)
}

func rowOf(p *Person, it conversation.RevisitItem) revisitRow {
	return revisitRow{RevisitItem: it, Phone: p.Phone(&it.Case), Whole: p.SeesPhone(&it.Case)}
}

// mayCall says whether p may enter the owner's answers: the specialists,
// who alone verify a case for its owner (cases.rules); the server refuses
// anyone else whatever the page shows.
func mayCall(p *Person) bool { return p.Role == config.RoleSpecialist }

// revisitsPage is GET /desk/revisits.
func (c *Console) revisitsPage(w http.ResponseWriter, r *http.Request) error {
	p := PersonOf(r)
	items, err := c.desk.RevisitWorklist(r.Context(), p.AtDesk())
	if err != nil {
		return err
	}
	v := revisitsView{Done: r.URL.Query().Get("done"), CanCall: mayCall(p),
		Waiting: [2]revisitSection{{ID: "rv-asked", Key: "rv.asked"}, {ID: "rv-not-asked", Key: "rv.not_asked"}}}
	waiting := 0
	for _, it := range items {
		if it.State != conversation.RevisitStateAnswered {
			waiting++
		}
		row := rowOf(p, it)
		switch it.State {
		case conversation.RevisitStateNoAnswer, conversation.RevisitStateCall:
			v.ToCall = append(v.ToCall, row)
		case conversation.RevisitStateAsked:
			v.Waiting[0].Rows = append(v.Waiting[0].Rows, row)
		case conversation.RevisitStateNotAsked:
			v.Waiting[1].Rows = append(v.Waiting[1].Rows, row)
		case conversation.RevisitStateAnswered:
			v.Answered = append(v.Answered, row)
		case conversation.RevisitStateNotDrawn:
			v.NotDrawn++
		}
	}
	v.Capped, v.Max = waiting >= conversation.MaxWorklist, conversation.MaxWorklist
	return c.render(w, r, http.StatusOK, "revisits", v)
}

// callView is a call's form: the case, the questions as the owner is asked
// them (in the owner's language, to read out) and the scores.
type callView struct {
	Item      revisitRow
	Questions [3]callQuestion
	OwnerLang string
	Key       string // this form's own id: sent twice, stored once
	CanCall   bool
}

type callQuestion struct {
	Name, Key, Asked string // the form field, the desk's label (texts.go), the owner's wording
}

// revisitCallPage is GET /desk/revisits/{serial}: the form of a call.
func (c *Console) revisitCallPage(w http.ResponseWriter, r *http.Request) error {
	p := PersonOf(r)
	items, err := c.desk.RevisitWorklist(r.Context(), p.AtDesk())
	if err != nil {
		return err
	}
	serial := strings.ToUpper(r.PathValue("serial"))
	for _, it := range items {
		if it.Case.Serial != serial {
			continue
		}
		if it.State == conversation.RevisitStateAnswered {
			http.Redirect(w, r, "/desk/revisits?"+url.Values{"done": {serial}}.Encode(), http.StatusSeeOther)
			return nil
		}
		v := callView{Item: rowOf(p, it), OwnerLang: it.Case.Language, Key: randomToken(12), CanCall: mayCall(p)}
		asked, _ := c.desk.RevisitQuestions(it.Case.Language)
		for i, name := range []string{"timeliness", "satisfaction", "attitude"} {
			v.Questions[i] = callQuestion{Name: name, Key: "rv." + name, Asked: asked[i]}
		}
		return c.render(w, r, http.StatusOK, "revisit_call", v)
	}
	return &cases.Error{Code: cases.CodeNotFound, Message: "no revisit due for " + serial}
}

// revisitCallSave is POST /desk/revisits/{serial}: the owner's answers,
// stored as a phone revisit by the signed-in person. The case moves on as
// after the owner's own answers on chat; the same form sent again stores
// nothing more.
func (c *Console) revisitCallSave(w http.ResponseWriter, r *http.Request) error {
	score := func(name string) int {
		n, _ := strconv.Atoi(r.PostFormValue(name))
		return n
	}
	a := conversation.PhoneRevisit{Timeliness: score("timeliness"), Satisfaction: score("satisfaction"), Attitude: score("attitude"),
		Suggestions: r.PostFormValue("suggestions")}
	serial := strings.ToUpper(r.PathValue("serial"))
	if _, err := c.desk.RecordPhoneRevisit(r.Context(), PersonOf(r).AtDesk(), r.PostFormValue("key"), serial, a); err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/revisits?"+url.Values{"done": {serial}}.Encode(), http.StatusSeeOther)
	return nil
}

// RevisitWhy says why an owner is to be called, in the page's language.
func (v *View) RevisitWhy(it conversation.RevisitItem) string {
	if it.State == conversation.RevisitStateNoAnswer {
		return v.T("rv.why.no_answer")
	}
	return v.T("rv.why." + string(it.Why))
}

// ScoreName names a revisit score 1–5 in the page's language.
func (v *View) ScoreName(n int) string { return v.T("rv.score." + strconv.Itoa(n)) }

// Scores are the choices of a revisit question, worst first as the owner's
// are.
func (v *View) Scores() []int { return []int{1, 2, 3, 4, 5} }
