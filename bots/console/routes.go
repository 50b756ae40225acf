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
