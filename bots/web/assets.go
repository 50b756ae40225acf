package web

import (
	"net/http"

	"github.com/heedhq/heed/bots/internal/assets"
)

// loadAssets are the page's embedded files (static/), each with an ETag
// from its content.
func loadAssets() assets.Set { return assets.Load(static, "static") }

func (h *Handler) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	h.assets.Serve(w, r, name)
}
