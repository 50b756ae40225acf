package console

import "net/http"

// Register adds the desk's routes to mux: every route of the desk is on
// this screen. open routes are for anyone (signing in); page routes for a
// signed-in person. Both answer through serve: security headers, the
// language, the CSRF check of every POST, errors mapped once.
func (c *Console) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /desk/static/{name}", c.serveStatic)

	c.open(mux, "GET /desk/signin", c.signinPage)
	c.open(mux, "POST /desk/signin", c.signinRequest)
	c.open(mux, "GET /desk/link/{token}", c.linkPage)
	c.open(mux, "POST /desk/link/{token}", c.linkUse)

	c.page(mux, "GET /desk/{$}", c.home)
	c.page(mux, "GET /desk/register", c.registerPage)
	c.page(mux, "GET /desk/register/export", c.registerExport)
	c.page(mux, "GET /desk/board", c.boardPage)
	c.page(mux, "GET /desk/board/fragment", c.boardFragment)
	c.page(mux, "GET /desk/account", c.account)
	c.page(mux, "POST /desk/signout", c.signOut)
	c.page(mux, "POST /desk/signout/everywhere", c.signOutEverywhere)
	c.page(mux, "POST /desk/sessions/{id}/revoke", c.revokeSession)
	// deskoffice: bulletins, surveys, reports, dead letters (the complaint desk only).
	c.page(mux, "GET /desk/bulletins", c.bulletinsPage)
	c.page(mux, "POST /desk/bulletins", c.postBulletin)
	c.page(mux, "GET /desk/bulletins/{id}", c.bulletinPage)
	c.page(mux, "GET /desk/bulletins/{id}/fragment", c.bulletinFragment)
	c.page(mux, "POST /desk/bulletins/{id}/resend", c.resendBulletin)
	c.page(mux, "GET /desk/surveys", c.surveysPage)
	c.page(mux, "POST /desk/surveys", c.startSurvey)
	c.page(mux, "GET /desk/surveys/{id}", c.surveyPage)
	c.page(mux, "GET /desk/reports", c.reportsPage)
	c.page(mux, "GET /desk/reports/analysis", c.analysisPage)
	c.page(mux, "GET /desk/deadletters", c.deadLettersPage)
	c.page(mux, "POST /desk/deadletters/{id}/retry", c.retryDeadLetter)
	// end deskoffice.

	// Live updates (live.go): the stream of changed cases a page follows.
	// Signed-in people only, checked by the handler itself: 401, not the
	// sign-in redirect, which an EventSource cannot use.
	c.open(mux, "GET /desk/events", c.events)

	// The case, its print view and its owner (case.go, case_actions.go,
	// case_files.go, print.go, owner.go).
	c.page(mux, "GET /desk/cases/{serial}", c.casePage)
	c.page(mux, "GET /desk/cases/{serial}/part", c.casePart)
	c.page(mux, "POST /desk/cases/{serial}/act", c.caseAct)
	c.page(mux, "GET /desk/cases/{serial}/files/{id}", c.caseFile)
	c.page(mux, "GET /desk/cases/{serial}/print", c.casePrint)
	c.page(mux, "GET /desk/owners/{id}", c.ownerPage)

	// deskwork: reply templates and revisits (replytemplates.go, revisits.go).
	c.page(mux, "GET /desk/templates", c.templatesPage)
	c.page(mux, "POST /desk/templates", c.templateSave)
	c.page(mux, "GET /desk/templates/{id}", c.templateEditPage)
	c.page(mux, "POST /desk/templates/{id}", c.templateSave)
	c.page(mux, "POST /desk/templates/{id}/delete", c.templateDelete)
	c.page(mux, "GET /desk/revisits", c.revisitsPage)
	c.page(mux, "GET /desk/revisits/{serial}", c.revisitCallPage)
	c.page(mux, "POST /desk/revisits/{serial}", c.revisitCallSave)
	// deskwork end.

	c.open(mux, "/desk/", c.notFound)
}

// navItem is an entry of the menu every page shows: Page is the template
// name that marks it current, Key its text.
type navItem struct{ Page, Href, Key string }

// navItems is the menu, in order.
var navItems = []navItem{
	{"register", "/desk/register", "nav.register"},
	{"board", "/desk/board", "nav.board"},
	// deskoffice: the complaint desk's office work.
	{"bulletins", "/desk/bulletins", "nav.bulletins"},
	{"surveys", "/desk/surveys", "nav.surveys"},
	{"reports", "/desk/reports", "nav.reports"},
	{"deadletters", "/desk/deadletters", "nav.deadletters"},
	// end deskoffice.
	// deskwork: reply templates and revisits.
	{"revisits", "/desk/revisits", "nav.revisits"},
	{"templates", "/desk/templates", "nav.templates"},
	// deskwork end.
}

// home is the desk's front door: the register.
func (c *Console) home(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/desk/register", http.StatusSeeOther)
	return nil
}
