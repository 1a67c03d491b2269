package dashboards

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v4"
)

// schemaPath is the Grafana dashboard JSON Schema, relative to this package.
const schemaPath = "../../shared/vendor/grafana/dashboard.jsonschema.json"

// wantDashboards are the dashboards the board and the analysts are told about: their
// uids are links people bookmark, so they must never change.
var wantDashboards = map[string]struct{ uid, title string }{
	"bestuur-overzicht.json":         {"leerplein-bestuur", "Bestuur — overzicht"},
	"verzuim.json":                   {"leerplein-verzuim", "Verzuim"},
	"thuiszitters.json":              {"leerplein-thuiszitters", "Thuiszitters"},
	"voortijdig-schoolverlaten.json": {"leerplein-vsv", "Voortijdig schoolverlaten"},
	"doorstroompunt.json":            {"leerplein-doorstroompunt", "Doorstroompunt"},
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile(schemaPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("Grafana dashboard schema not found at %s (the shared/ folder beside the repository); cannot validate dashboards", schemaPath)
	}
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("dashboard.jsonschema.json", doc); err != nil {
		t.Fatalf("add schema: %v", err)
	}
	s, err := c.Compile("dashboard.jsonschema.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return s
}

func TestDashboardsValidateAgainstGrafanaSchema(t *testing.T) {
	schema := compileSchema(t)
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		t.Run(d.File, func(t *testing.T) {
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(d.Raw))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("does not validate against %s:\n%v", schemaPath, err)
			}
		})
	}
}

// TestSchemaRejectsABrokenDashboard shows the schema check can fail: a dashboard without
// its required annotations container is refused.
func TestSchemaRejectsABrokenDashboard(t *testing.T) {
	schema := compileSchema(t)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"schemaVersion": 39, "templating": {"list": []}, "title": "x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err == nil {
		t.Error("a dashboard without annotations validated; the schema check cannot fail")
	}
}

func TestDashboardsAreTheOnesPromised(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(wantDashboards) {
		t.Errorf("got %d dashboards, want %d", len(all), len(wantDashboards))
	}
	uids := map[string]string{}
	for _, d := range all {
		t.Run(d.File, func(t *testing.T) {
			want, ok := wantDashboards[d.File]
			if !ok {
				t.Fatalf("unexpected dashboard file %s: add it to wantDashboards with its uid", d.File)
			}
			if d.UID != want.uid {
				t.Errorf("uid: got %q, want %q (uids are bookmarked; do not change them)", d.UID, want.uid)
			}
			if d.Title != want.title {
				t.Errorf("title: got %q, want %q", d.Title, want.title)
			}
			if other, dup := uids[d.UID]; dup {
				t.Errorf("uid %q also used by %s", d.UID, other)
			}
			uids[d.UID] = d.File
			checkPanels(t, d)
			if len(d.Targets()) == 0 {
				t.Error("the dashboard queries nothing")
			}
		})
	}
}

// checkPanels checks what the schema cannot: panel ids unique, every panel on the
// Leerplein datasource, and no two panels overlapping on the grid.
func checkPanels(t *testing.T, d Dashboard) {
	t.Helper()
	ids := map[float64]bool{}
	type rect struct{ x, y, w, h float64 }
	var placed []rect
	panels, _ := d.Model["panels"].([]any)
	for _, p := range panels {
		pm := p.(map[string]any)
		id, _ := pm["id"].(float64)
		if ids[id] {
			t.Errorf("panel id %v used twice", id)
		}
		ids[id] = true
		if pm["type"] != "row" {
			ds, _ := pm["datasource"].(map[string]any)
			if ds["uid"] != DatasourceUID || ds["type"] != "simpod-json-datasource" {
				t.Errorf("panel %v %q: datasource %v, want uid %q of type simpod-json-datasource", id, pm["title"], ds, DatasourceUID)
			}
			if title, _ := pm["title"].(string); title == "" {
				t.Errorf("panel %v has no title", id)
			}
		}
		g := pm["gridPos"].(map[string]any)
		r := rect{g["x"].(float64), g["y"].(float64), g["w"].(float64), g["h"].(float64)}
		for _, o := range placed {
			if r.x < o.x+o.w && o.x < r.x+r.w && r.y < o.y+o.h && o.y < r.y+r.h {
				t.Errorf("panel %v %q at %+v overlaps a panel at %+v", id, pm["title"], r, o)
			}
		}
		placed = append(placed, r)
	}
}

func TestProvisioning(t *testing.T) {
	tests := []struct {
		file string
		path []string // a path of keys/indexes into the parsed YAML
		want any
	}{
		{"provisioning/datasources/leerplein.yaml", []string{"datasources", "0", "uid"}, DatasourceUID},
		{"provisioning/datasources/leerplein.yaml", []string{"datasources", "0", "type"}, "simpod-json-datasource"},
		{"provisioning/datasources/leerplein.yaml", []string{"datasources", "0", "url"}, "http://127.0.0.1:8080/grafana"},
		{"provisioning/datasources/leerplein.yaml", []string{"datasources", "0", "jsonData", "httpHeaderName1"}, "Authorization"},
		{"provisioning/datasources/leerplein.yaml", []string{"datasources", "0", "secureJsonData", "httpHeaderValue1"}, "Bearer ${LEERPLEIN_GRAFANA_TOKEN}"},
		{"provisioning/dashboards/leerplein.yaml", []string{"providers", "0", "type"}, "file"},
		{"provisioning/dashboards/leerplein.yaml", []string{"providers", "0", "folder"}, "Leerplein"},
	}
	for _, tt := range tests {
		t.Run(tt.file+":"+strings.Join(tt.path, "."), func(t *testing.T) {
			raw, err := FS.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := yaml.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("parse YAML: %v", err)
			}
			got := dig(doc, tt.path)
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func dig(v any, path []string) any {
	for _, k := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, c := range k {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// TestTargetsNameMetrics guards the Targets walker the API contract test relies on.
func TestTargetsNameMetrics(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		for _, tg := range d.Targets() {
			if tg.Metric == "" {
				t.Errorf("%s %s: a query without a target metric", d.File, tg.Where)
			}
		}
		raw, _ := json.Marshal(d.Model["annotations"])
		if !strings.Contains(string(raw), `"mijlpalen"`) {
			t.Errorf("%s: no Beleidsmijlpalen annotation query", d.File)
		}
	}
}
