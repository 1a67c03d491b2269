package dashboards

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
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

// Steps of the series the timeseries panels draw, and the gap that must break a line:
// more than one step (366 days, 31 days), less than two (730 days, 59 days), so that a
// school year or a month without a datapoint (no data, n.v.t., suppressed) is a gap.
const day = 24 * 60 * 60 * 1000

var (
	yearlyGap  = [2]float64{366 * day, 730 * day}
	monthlyGap = [2]float64{31 * day, 59 * day}
)

// panelsOf lists every panel of d, those nested in collapsed rows included.
func panelsOf(d Dashboard) []map[string]any {
	var out []map[string]any
	var walk func([]any)
	walk = func(panels []any) {
		for _, p := range panels {
			pm, _ := p.(map[string]any)
			out = append(out, pm)
			if nested, ok := pm["panels"].([]any); ok {
				walk(nested)
			}
		}
	}
	panels, _ := d.Model["panels"].([]any)
	walk(panels)
	return out
}

// lookup follows a path of keys into a JSON model; nil when a key is missing.
func lookup(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// TestDashboardsShowFiguresHonestly: the dashboards never carry a figure over a gap as if
// it were current (issue 10). A stat panel shows one figure with its school year (the
// datasource's "laatste" view), never lastNotNull, which would show an old value as the
// latest; a line is broken where a year has no datapoint, never drawn across it; a
// percentage or its target is never rounded to a number its status contradicts; and no
// text promises "<5" (a figure hidden to protect another one need not be small).
func TestDashboardsShowFiguresHonestly(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		t.Run(d.File, func(t *testing.T) {
			if desc, _ := d.Model["description"].(string); strings.Contains(desc, "<5") {
				t.Errorf("the dashboard's description promises \"<5\": %q", desc)
			}
			for _, p := range panelsOf(d) {
				where := fmt.Sprintf("panel %v %q", p["id"], p["title"])
				raw, _ := json.Marshal(p)
				if bytes.Contains(raw, []byte(`"lastNotNull"`)) {
					t.Errorf("%s: reduces with lastNotNull, which shows an old figure as the latest without its year", where)
				}
				if desc, _ := p["description"].(string); strings.Contains(desc, "<5") {
					t.Errorf("%s: the description promises \"<5\": %q", where, desc)
				}
				switch p["type"] {
				case "timeseries":
					checkGaps(t, where, p)
				case "stat":
					checkStat(t, where, p)
				}
				checkDecimals(t, where, p)
			}
		})
	}
}

// checkGaps: a timeseries panel breaks its lines at a missing year or month.
func checkGaps(t *testing.T, where string, p map[string]any) {
	t.Helper()
	if v, ok := lookup(p, "fieldConfig", "defaults", "custom", "spanNulls").(bool); !ok || v {
		t.Errorf("%s: spanNulls is %v, want false: a line must not bridge a year without a figure", where, lookup(p, "fieldConfig", "defaults", "custom", "spanNulls"))
	}
	raw, _ := json.Marshal(lookup(p, "fieldConfig", "overrides"))
	if bytes.Contains(raw, []byte(`"custom.spanNulls"`)) || bytes.Contains(raw, []byte(`"custom.insertNulls"`)) {
		t.Errorf("%s: an override changes spanNulls or insertNulls", where)
	}
	want := yearlyGap
	for _, tg := range lookup(p, "targets").([]any) {
		if lookup(tg, "target") == "verzuim_meldingen_maand" {
			want = monthlyGap
		}
	}
	got, ok := lookup(p, "fieldConfig", "defaults", "custom", "insertNulls").(float64)
	if !ok || got <= want[0] || got >= want[1] {
		t.Errorf("%s: insertNulls %v, want a threshold in ms between %v and %v days, so that one missing step breaks the line",
			where, lookup(p, "fieldConfig", "defaults", "custom", "insertNulls"), want[0]/day, want[1]/day)
	}
}

// checkDecimals: a percentage is shown with the two decimals it has, so that it is never
// rounded to a number its status contradicts (99.96% as 100.0% beside "niet op koers",
// a target of 4.76% as 4.8%). Counts are whole numbers, and so is the target line the
// datasource draws for them (the bound as judged: 30 for a target of 30.6).
func checkDecimals(t *testing.T, where string, p map[string]any) {
	t.Helper()
	if lookup(p, "fieldConfig", "defaults", "unit") != "percent" {
		return
	}
	if got, ok := lookup(p, "fieldConfig", "defaults", "decimals").(float64); !ok || got < 2 {
		t.Errorf("%s: a percentage with decimals %v, want at least 2", where, lookup(p, "fieldConfig", "defaults", "decimals"))
	}
}

// checkStat: a stat panel asks for the "laatste" view and shows the school year.
func checkStat(t *testing.T, where string, p map[string]any) {
	t.Helper()
	for _, tg := range lookup(p, "targets").([]any) {
		if got := lookup(tg, "payload", "weergave"); got != "laatste" {
			t.Errorf("%s: target %v has weergave %v, want \"laatste\" (one row with its school year)", where, lookup(tg, "target"), got)
		}
	}
	if lookup(p, "options", "reduceOptions", "values") != true {
		t.Errorf("%s: reduceOptions.values is not true: the panel reduces a row it should show", where)
	}
	fields, _ := lookup(p, "options", "reduceOptions", "fields").(string)
	re, err := regexp.Compile(strings.TrimSuffix(strings.TrimPrefix(fields, "/"), "/"))
	switch {
	case err != nil || !strings.HasPrefix(fields, "/"):
		t.Errorf("%s: reduceOptions.fields %q is not a /regex/ naming the fields to show", where, fields)
	case !re.MatchString("Schooljaar"):
		t.Errorf("%s: reduceOptions.fields %q does not show Schooljaar: the figure would stand without its year", where, fields)
	case !re.MatchString("Waarde") && !re.MatchString("Op koers"):
		t.Errorf("%s: reduceOptions.fields %q shows neither Waarde nor Op koers", where, fields)
	case re.MatchString("Op koers") && !hasNullMapping(p, "Geen oordeel"):
		t.Errorf("%s: shows Op koers without naming a missing judgement \"Geen oordeel\" (a year in progress, no value)", where)
	}
	if got := lookup(p, "options", "textMode"); got != "value_and_name" {
		t.Errorf("%s: textMode %v, want value_and_name so that each figure is named", where, got)
	}
}

// hasNullMapping reports whether the panel maps a null to text.
func hasNullMapping(p map[string]any, text string) bool {
	mappings, _ := lookup(p, "fieldConfig", "defaults", "mappings").([]any)
	for _, m := range mappings {
		if lookup(m, "type") == "special" && lookup(m, "options", "match") == "null" && lookup(m, "options", "result", "text") == text {
			return true
		}
	}
	return false
}
