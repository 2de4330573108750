package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
)

//go:embed templates/*.html
var templateFiles embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"link": link,
	"date": showDate,
}).ParseFS(templateFiles, "templates/*.html"))

// render writes a page; a template that fails is logged and answered with
// a plain message, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		s.log.Error("auditors' web view: page not rendered", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "this page cannot be shown; the operator finds why in turnkeyd's log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
