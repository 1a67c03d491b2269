package dashboards

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v4"
)

// TestSQLDashboards validates the analysts' SQL dashboards against Grafana's dashboard
// schema and checks that every panel queries the provisioned PostgreSQL datasource with
// Grafana's time macros (api's TestPGWireGrafana runs the queries, expanded, over the
// wire).
func TestSQLDashboards(t *testing.T) {
	schema := compileSchema(t)
	all, err := SQL()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no SQL dashboard in sql/")
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
			if !strings.HasPrefix(d.UID, "leerplein-sql-") {
				t.Errorf("uid %q: want leerplein-sql-…", d.UID)
			}
			targets := d.SQLTargets()
			if len(targets) == 0 {
				t.Fatal("no SQL targets")
			}
			for _, p := range panelsOf(d) {
				if ds, _ := p["datasource"].(map[string]any); ds["uid"] != SQLDatasourceUID || ds["type"] != "grafana-postgresql-datasource" {
					t.Errorf("panel %v: datasource %v, want uid %q of type grafana-postgresql-datasource", p["id"], ds, SQLDatasourceUID)
				}
			}
			for _, tg := range targets {
				if !strings.Contains(tg.RawSQL, "$__timeFilter(") || !strings.Contains(tg.RawSQL, "$__timeGroup") || tg.Format != "time_series" {
					t.Errorf("%s: want a time series with $__timeFilter and $__timeGroup, got %q (%s)", tg.Where, tg.RawSQL, tg.Format)
				}
			}
		})
	}
}

func TestSQLProvisioning(t *testing.T) {
	tests := []struct {
		file string
		path []string
		want any
	}{
		{"provisioning/datasources/leerplein-sql.yaml", []string{"datasources", "0", "uid"}, SQLDatasourceUID},
		{"provisioning/datasources/leerplein-sql.yaml", []string{"datasources", "0", "type"}, "grafana-postgresql-datasource"},
		{"provisioning/datasources/leerplein-sql.yaml", []string{"datasources", "0", "jsonData", "database"}, "leerplein"},
		{"provisioning/datasources/leerplein-sql.yaml", []string{"datasources", "0", "secureJsonData", "password"}, "${LEERPLEIN_GRAFANA_SQL_TOKEN}"},
		{"provisioning/dashboards/leerplein-sql.yaml", []string{"providers", "0", "folder"}, "Leerplein SQL"},
	}
	for _, tt := range tests {
		raw, err := FS.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: parse YAML: %v", tt.file, err)
		}
		if got := dig(doc, tt.path); got != tt.want {
			t.Errorf("%s %v: got %v, want %v", tt.file, tt.path, got, tt.want)
		}
	}
}
