package console

import (
	"bytes"
	"image"
	_ "image/gif" // owners' photos: decoded to make thumbnails
	"image/jpeg"
	_ "image/png"
	"mime"
	"net/http"
	"strconv"

	"github.com/heedhq/heed/cases"
)

// A case's photos and files, for signed-in people only: served by the
// desk's route after the case is found and the attachment is seen to be
// its own, never from a public address. Photos of the kinds browsers show
// are shown (a thumbnail made here, or the photo); anything else is a
// download, so no owner's file runs as a page of the desk.

const (
	thumbSide = 320
	// thumbMaxPixels bounds the photos a thumbnail is made of (a small
	// file can claim a huge picture: decoded, 16 MP of 16-bit colour is
	// 128 MB); a larger photo is shown as it is.
	thumbMaxPixels = 16_000_000
)

// thumbSlots lets two thumbnails be made at once in this heed, whatever
// the number of pages open: the rest wait their turn (or their page goes).
var thumbSlots = make(chan struct{}, 2)

// inlineImage says whether a browser may show the file as a picture.
func inlineImage(mimeType string) bool {
	switch mimeType {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return true
	}
	return false
}

// caseFile is GET /desk/cases/{serial}/files/{id}: the attachment, or with
// ?thumb=1 its thumbnail.
func (c *Console) caseFile(w http.ResponseWriter, r *http.Request) error {
	k, err := c.svc.Get(r.Context(), r.PathValue("serial"))
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var att *cases.Attachment
	for i := range k.Attachments {
		if k.Attachments[i].ID == id {
			att = &k.Attachments[i]
		}
	}
	if att == nil {
		return &cases.Error{Code: cases.CodeNotFound, Message: "no such file on the case"}
	}
	f, err := c.svc.OpenFile(r.Context(), att.Ref)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if !inlineImage(f.MIME) {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Name}))
		_, err = w.Write(f.Data)
		return err
	}
	data, ctype := f.Data, f.MIME
	if r.URL.Query().Get("thumb") != "" {
		select {
		case thumbSlots <- struct{}{}:
		case <-r.Context().Done():
			return nil // the page is gone: nobody to answer
		}
		t, ok := thumbnail(f.Data)
		<-thumbSlots
		if ok {
			data, ctype = t, "image/jpeg"
		}
	}
	h.Set("Content-Type", ctype)
	_, err = w.Write(data)
	return err
}

// thumbnail is a JPEG of the photo at most thumbSide on its longer side;
// false when it cannot be decoded here (WebP) or is too large to try.
func thumbnail(data []byte) ([]byte, bool) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > thumbMaxPixels {
		return nil, false
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= thumbSide && h <= thumbSide {
		return nil, false // small already: the photo itself
	}
	tw, th := thumbSide, h*thumbSide/w
	if h > w {
		tw, th = w*thumbSide/h, thumbSide
	}
	tw, th = max(tw, 1), max(th, 1)
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	// Each pixel the average of the source pixels it covers (a box filter).
	for y := 0; y < th; y++ {
		y0, y1 := b.Min.Y+y*h/th, b.Min.Y+max((y+1)*h/th, y*h/th+1)
		for x := 0; x < tw; x++ {
			x0, x1 := b.Min.X+x*w/tw, b.Min.X+max((x+1)*w/tw, x*w/tw+1)
			var rs, gs, bs, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb, _ := src.At(sx, sy).RGBA()
					rs, gs, bs, n = rs+uint64(cr), gs+uint64(cg), bs+uint64(cb), n+1
				}
			}
			i := dst.PixOffset(x, y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = uint8(rs/n>>8), uint8(gs/n>>8), uint8(bs/n>>8), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}
