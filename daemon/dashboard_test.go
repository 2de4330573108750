package daemon

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// dashboardFile is the Grafana dashboard shipped for operators.
var dashboardFile = filepath.Join("..", "deploy", "grafana", "turnkeyd.json")

// dashboard is what the tests read of a Grafana dashboard.
type dashboard struct {
	Title      string `json:"title"`
	UID        string `json:"uid"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

type panel struct {
	ID          int    `json:"id"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Datasource  struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // of a collapsed row
}

// readDashboard returns the dashboard and its panels, rows' inner panels
// included, rows themselves left out.
func readDashboard(t *testing.T) (*dashboard, []panel) {
	t.Helper()
	data, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	var panels []panel
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if p.Type == "row" {
				walk(p.Panels)
				continue
			}
			panels = append(panels, p)
		}
	}
	walk(d.Panels)
	return &d, panels
}

// TestDashboardImportable checks what Grafana needs to import the dashboard
// on any installation (a data source variable, unique panel ids) and what
// an operator needs to read it (a description of each panel, here and in
// docs/operations.md).
func TestDashboardImportable(t *testing.T) {
	d, panels := readDashboard(t)
	if d.Title == "" || d.UID == "" {
		t.Errorf("%s: title %q, uid %q: both are needed to import it", dashboardFile, d.Title, d.UID)
	}
	hasDatasource := false
	for _, v := range d.Templating.List {
		hasDatasource = hasDatasource || (v.Type == "datasource" && v.Name == "datasource" && v.Query == "prometheus")
	}
	if !hasDatasource {
		t.Errorf("%s: no datasource variable of type prometheus named datasource", dashboardFile)
	}
	if len(panels) < 15 {
		t.Fatalf("%s: only %d panels", dashboardFile, len(panels))
	}
	doc, err := os.ReadFile(operationsDoc)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int]bool{}
	for _, p := range panels {
		if ids[p.ID] {
			t.Errorf("panel %q: id %d used twice", p.Title, p.ID)
		}
		ids[p.ID] = true
		if p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q: data source %q, want ${datasource} so that it works on any Grafana", p.Title, p.Datasource.UID)
		}
		if p.Description == "" || len(p.Targets) == 0 {
			t.Errorf("panel %q: no description or no query", p.Title)
		}
		if !strings.Contains(string(doc), "**"+p.Title+"**") {
			t.Errorf("panel %q is not described in %s (as **%s**)", p.Title, operationsDoc, p.Title)
		}
	}
}

// dashboardVars are the values the real-Prometheus test gives the
// dashboard's variables; a new variable needs a value here.
var dashboardVars = map[string]string{
	"instance":        ".+",
	"__rate_interval": "1m",
	"__interval":      "15s",
	"__range":         "5m",
}

// checkDashboardQueries runs every query of every panel against p and
// requires an answer with at least one series.
func checkDashboardQueries(t *testing.T, p *promServer) {
	_, panels := readDashboard(t)
	varRE := regexp.MustCompile(`\$\{?(\w+)\}?`)
	for _, pn := range panels {
		for _, tg := range pn.Targets {
			t.Run(pn.Title+"/"+tg.RefID, func(t *testing.T) {
				var missing []string
				expr := varRE.ReplaceAllStringFunc(tg.Expr, func(v string) string {
					name := varRE.FindStringSubmatch(v)[1]
					val, ok := dashboardVars[name]
					if !ok {
						missing = append(missing, name)
					}
					return val
				})
				if len(missing) > 0 {
					t.Fatalf("%s: no test value for the variables %v (add them to dashboardVars)", tg.Expr, missing)
				}
				// rate() needs two scrapes in its window: the first
				// answers may be empty.
				pollUntil(t, expr, 10*time.Second, func() error {
					res, err := p.query(expr)
					if err != nil {
						t.Fatalf("%s: %v", expr, err)
					}
					if len(res) == 0 {
						return fmt.Errorf("no series")
					}
					return nil
				})
			})
		}
	}
}
