package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify/desk"
)

// The case's actions: what the signed-in person may do now, as forms, and
// their POST. Both go through notify/desk as PersonOf(r).AtDesk() — the
// same list, forms, rules and words as the chat buttons: a person offered
// nothing their role forbids, a crafted request refused by the desk (its
// refusal page, 403), someone who acted second told who acted first.

// actionForm is one action the person may take, with what it asks.
type actionForm struct {
	desk.Available
	Inputs []formInput
}

// formInput is an input of an action's form (desk.Input), named in the
// page's language where the desk names it in Chinese only.
type formInput struct {
	desk.Input
	// Long: a text to write or edit (the reply to the owner, measures).
	Long bool
	// Key is the text's key in texts.go: the input's label.
	Key string
}

// actionForms are the forms of the actions p may take on k now.
func (c *Console) actionForms(r *http.Request, k *cases.Case) ([]actionForm, error) {
	p := PersonOf(r).AtDesk()
	avail, err := c.desk.Actions(r.Context(), p, k.Serial)
	if err != nil {
		return nil, err
	}
	out := make([]actionForm, 0, len(avail))
	for _, a := range avail {
		f := actionForm{Available: a}
		if a.Needs != "" {
			form, refused, err := c.desk.FormAs(r.Context(), p, desk.StaffAction{Action: a.Name, Serial: k.Serial})
			if err != nil {
				return nil, err
			}
			if refused.Refused || form == nil {
				continue
			}
			for _, in := range form.Inputs {
				fi := formInput{Input: in, Key: "input." + in.Name}
				if in.Name == "text" {
					fi.Key, fi.Long = "field."+a.Name, true
				}
				f.Inputs = append(f.Inputs, fi)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// caseAct is POST /desk/cases/{serial}/act: one action of the case's
// forms, taken as the signed-in person through notify/desk.
func (c *Console) caseAct(w http.ResponseWriter, r *http.Request) error {
	serial := r.PathValue("serial")
	if err := r.ParseForm(); err != nil {
		return &cases.Error{Code: cases.CodeInvalid, Message: "the form could not be read"}
	}
	f := r.PostForm
	a := desk.StaffAction{Action: f.Get("action"), Serial: serial, Text: strings.TrimSpace(f.Get("text")),
		Department: f.Get("department"), Handler: f.Get("handler"), Category: f.Get("category")}
	if once := f.Get("once"); once != "" {
		// A form sent twice (a double click, a reload) acts once; another
		// action of the same page is another request.
		a.InteractionID = "desk:" + PersonOf(r).ID + ":" + once + ":" + a.Action
	}
	if _, ok := f["assisting_chosen"]; ok {
		a.Assisting, a.AssistingChosen = strings.Join(f["assisting"], ","), true
	}
	a.Responsibility, a.ResponsibleStaff = f.Get("responsibility"), f.Get("responsible_staff")
	a.Accountability, a.CAPAReport = f.Get("accountability"), f.Get("capa_report")
	out, err := c.desk.ActAs(r.Context(), PersonOf(r).AtDesk(), a)
	if err != nil {
		return err
	}
	if out.Refused {
		switch out.Code {
		case cases.CodeForbidden:
			return &cases.Error{Code: cases.CodeForbidden, Message: out.Message}
		case cases.CodeNotFound:
			return &cases.Error{Code: cases.CodeNotFound, Message: out.Message}
		}
	}
	if out.Message != "" {
		c.setFlash(w, r, flash{Serial: serial, Refused: out.Refused, Message: out.Message})
	}
	http.Redirect(w, r, "/desk/cases/"+url.PathEscape(serial), http.StatusSeeOther)
	return nil
}

// flash is what the desk said of the last action, shown once on the
// case's page after the redirect: "已受理", or "未执行：这件投诉已由李建华于
// 10:32 受理" — the words the chat gives.
type flash struct {
	Serial  string `json:"s"`
	Refused bool   `json:"r"`
	Message string `json:"m"`
}

const flashCookie = "heed_desk_flash"

// setFlash keeps f for the next page in a short-lived cookie, signed so
// that only this desk's words are ever shown.
func (c *Console) setFlash(w http.ResponseWriter, r *http.Request, f flash) {
	b, _ := json.Marshal(f)
	v := base64.RawURLEncoding.EncodeToString(b)
	c.setCookie(w, r, flashCookie, v+"."+c.flashMAC(v), 0)
}

func (c *Console) flashMAC(v string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("heed desk flash v1\x00" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// takeFlash reads the flash for the case serial and clears it.
func (c *Console) takeFlash(w http.ResponseWriter, r *http.Request, serial string) *flash {
	ck, err := r.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	c.setCookie(w, r, flashCookie, "", -1)
	v, mac, ok := strings.Cut(ck.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(c.flashMAC(v))) {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	var f flash
	if err != nil || json.Unmarshal(raw, &f) != nil || f.Serial != serial {
		return nil
	}
	return &f
}
