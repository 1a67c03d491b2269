// Package dashboards holds the Grafana dashboards of Het Leerplein and their
// provisioning files, embedded so that tests (and tools) read exactly what is shipped.
package dashboards

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// FS holds json/*.json (the dashboards on the JSON datasource), sql/*.json (the
// analysts' dashboards on the PostgreSQL datasource) and provisioning/**.yaml.
//
//go:embed json/*.json sql/*.json provisioning
var FS embed.FS

// Dashboard is one dashboard file: its name and its parsed JSON model.
type Dashboard struct {
	File  string
	UID   string
	Title string
	Raw   []byte
	Model map[string]any
}

// All reads every dashboard in json/, in file-name order.
func All() ([]Dashboard, error) { return read("json/*.json") }

// SQL reads the analysts' dashboards in sql/, which query the SQL sandbox through
// Grafana's PostgreSQL datasource (uid SQLDatasourceUID), in file-name order.
func SQL() ([]Dashboard, error) { return read("sql/*.json") }

// SQLDatasourceUID is the uid the provisioning file gives the PostgreSQL datasource
// over leerplein's wire endpoint; the SQL dashboards refer to it.
const SQLDatasourceUID = "leerplein-sql"

// SQLTarget is one raw SQL query of a SQL dashboard panel, with Grafana's macros.
type SQLTarget struct {
	Where  string
	RawSQL string
	Format string // time_series or table
}

// SQLTargets lists the raw SQL of every panel of d.
func (d Dashboard) SQLTargets() []SQLTarget {
	var out []SQLTarget
	panels, _ := d.Model["panels"].([]any)
	for _, p := range panels {
		pm, _ := p.(map[string]any)
		targets, _ := pm["targets"].([]any)
		for _, t := range targets {
			tm, _ := t.(map[string]any)
			raw, _ := tm["rawSql"].(string)
			format, _ := tm["format"].(string)
			out = append(out, SQLTarget{Where: fmt.Sprintf("panel %v %q", pm["id"], pm["title"]), RawSQL: raw, Format: format})
		}
	}
	return out
}

func read(pattern string) ([]Dashboard, error) {
	names, err := fs.Glob(FS, pattern)
	if err != nil {
		return nil, fmt.Errorf("dashboards: list: %w", err)
	}
	sort.Strings(names)
	out := make([]Dashboard, 0, len(names))
	for _, name := range names {
		raw, err := FS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("dashboards: read %s: %w", name, err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("dashboards: parse %s: %w", name, err)
		}
		uid, _ := m["uid"].(string)
		title, _ := m["title"].(string)
		out = append(out, Dashboard{File: path.Base(name), UID: uid, Title: title, Raw: raw, Model: m})
	}
	return out, nil
}

// Target is one query a dashboard sends to the Leerplein datasource: a panel target or
// an annotation query.
type Target struct {
	Where  string // "panel 3 “Status”" or "annotation “Beleidsmijlpalen”"
	Metric string // the target field: a metric id of /grafana/metrics
}

// Targets lists every query of d that goes to the Leerplein datasource (uid leerplein),
// including those of panels nested in rows and of annotation queries.
func (d Dashboard) Targets() []Target {
	var out []Target
	var walk func(panels []any)
	walk = func(panels []any) {
		for _, p := range panels {
			pm, _ := p.(map[string]any)
			if nested, ok := pm["panels"].([]any); ok {
				walk(nested)
			}
			targets, _ := pm["targets"].([]any)
			for _, t := range targets {
				tm, _ := t.(map[string]any)
				metric, _ := tm["target"].(string)
				out = append(out, Target{Where: fmt.Sprintf("panel %v %q", pm["id"], pm["title"]), Metric: metric})
			}
		}
	}
	panels, _ := d.Model["panels"].([]any)
	walk(panels)
	if ann, ok := d.Model["annotations"].(map[string]any); ok {
		list, _ := ann["list"].([]any)
		for _, a := range list {
			am, _ := a.(map[string]any)
			ds, _ := am["datasource"].(map[string]any)
			if ds["uid"] != DatasourceUID {
				continue
			}
			tm, _ := am["target"].(map[string]any)
			metric, _ := tm["target"].(string)
			out = append(out, Target{Where: fmt.Sprintf("annotation %q", am["name"]), Metric: metric})
		}
	}
	return out
}

// DatasourceUID is the uid the provisioning file gives the Leerplein datasource; every
// dashboard refers to it, so it must not change.
const DatasourceUID = "leerplein"
