package console

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
)

// The deadline board (时限看板): per department and step, what is overdue,
// due within two hours and due later today, and who holds it. The page
// refreshes its body by itself (desk.js polls /desk/board/fragment).
const (
	boardPerGroup = 12
	// boardRefresh is how often the page fetches the board again.
	boardRefresh = 30 * time.Second
)

// boardView is the board's data.
type boardView struct {
	At                   time.Time
	Departments          []boardDepartment
	Overdue, Soon, Today int
	RefreshSeconds       int
}

// boardDepartment is one department's section ("" is the complaint desk).
type boardDepartment struct {
	Department string
	Mine       bool // the signed-in person's department
	Groups     []boardGroup
}

type boardGroup struct {
	cases.BoardGroup
	Items []boardItem
	More  int // deadlines of the group not listed
}

type boardItem struct {
	cases.BoardItem
	Holder  string
	Overdue bool
	Soon    bool
	In      time.Duration // until due; negative when overdue
}

func (c *Console) board(r *http.Request) (boardView, error) {
	now := c.now()
	groups, err := c.svc.DeadlineBoard(r.Context(), now, boardPerGroup)
	if err != nil {
		return boardView{}, err
	}
	p := PersonOf(r)
	v := boardView{At: now, RefreshSeconds: int(c.boardRefresh / time.Second)}
	for _, g := range groups {
		if n := len(v.Departments); n == 0 || v.Departments[n-1].Department != g.Department {
			v.Departments = append(v.Departments, boardDepartment{Department: g.Department,
				Mine: g.Department != "" && g.Department == p.Department})
		}
		bg := boardGroup{BoardGroup: g, More: g.Overdue + g.Soon + g.Today - len(g.Items)}
		for _, it := range g.Items {
			in := it.Due.Sub(now)
			bg.Items = append(bg.Items, boardItem{BoardItem: it, Holder: c.holder(it), Overdue: in <= 0,
				Soon: in > 0 && in <= cases.BoardSoon, In: in})
		}
		d := &v.Departments[len(v.Departments)-1]
		d.Groups = append(d.Groups, bg)
		v.Overdue += g.Overdue
		v.Soon += g.Soon
		v.Today += g.Today
	}
	// The desk's own deadlines first, then the person's department.
	rank := func(d boardDepartment) int {
		switch {
		case d.Department == "":
			return 0
		case d.Mine:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(v.Departments, func(a, b boardDepartment) int { return rank(a) - rank(b) })
	return v, nil
}

// holder is who must act on a deadline now: the case's handler when it
// has one; for the department's steps its managers; else the complaint
// desk (receipt, dispatch, the reply to the owner).
func (c *Console) holder(it cases.BoardItem) string {
	if it.Handler != "" {
		if s, ok := c.cfg.StaffByID(it.Handler); ok {
			return s.Staff.Name
		}
		return it.Handler
	}
	if it.Department != "" && (it.Step == cases.StepInvestigate || it.Step == cases.StepMeasures) {
		if d, ok := c.cfg.Department(it.Department); ok && len(d.Managers) > 0 {
			names := make([]string, len(d.Managers))
			for i, m := range d.Managers {
				names[i] = m.Name
			}
			return strings.Join(names, "、")
		}
	}
	return ""
}

// boardPage is GET /desk/board.
func (c *Console) boardPage(w http.ResponseWriter, r *http.Request) error {
	v, err := c.board(r)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "board", v)
}

// boardFragment is the board's body alone, for the page's refresh.
func (c *Console) boardFragment(w http.ResponseWriter, r *http.Request) error {
	v, err := c.board(r)
	if err != nil {
		return err
	}
	return c.renderPart(w, r, "board", "board-body", v)
}
