package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/render"
)

// TestReportsAPI runs the report and export downloads against the demo warehouse: the
// bytes are those the CLI writes (built here with the same warehouse and render calls),
// only analist and beheer may fetch them, and every parameter mistake is a 400.
func TestReportsAPI(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	ctx := context.Background()
	const sj = "2018-2019"
	want := func(build func(io.Writer) error) []byte {
		t.Helper()
		var buf bytes.Buffer
		if err := build(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	cells, err := w.db.Jaarverslag(ctx, sj)
	if err != nil {
		t.Fatal(err)
	}
	subregios, err := w.db.Subregios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	jvCSV := want(func(wr io.Writer) error { return render.WriteCSV(wr, cells) })
	exact, err := render.NewJaarverslag(ctx, w.db, sj, 0) // the layout with this year's remarks
	if err != nil {
		t.Fatal(err)
	}
	jvXLSX := want(exact.WriteXLSX)
	regels, err := w.db.JaarverslagRegels(ctx, sj)
	if err != nil {
		t.Fatal(err)
	}
	layout := warehouse.JaarverslagLayout(subregios, regels)
	protected, err := warehouse.JaarverslagOpenbaar(cells, layout, 5)
	if err != nil {
		t.Fatal(err)
	}
	jvPublicCSV := want(func(wr io.Writer) error { return render.WriteCSVOpenbaar(wr, protected) })
	jvPublicNote := want(func(wr io.Writer) error {
		return render.WriteToelichting(wr, warehouse.JaarverslagToelichting(sj, 10))
	})
	telling, err := w.db.Leerplichttelling(ctx, sj)
	if err != nil {
		t.Fatal(err)
	}
	lpCSV := want(warehouse.LeerplichtExport(telling).WriteCSV)
	public := warehouse.LeerplichtExport(telling)
	if err := public.Protect(10); err != nil {
		t.Fatal(err)
	}
	lpPublicCSV := want(public.WriteCSV)
	lpPublicNote := want(public.WriteToelichting)
	vsv, err := w.db.VSVExport(ctx, sj)
	if err != nil {
		t.Fatal(err)
	}
	vsvXLSX := want(vsv.WriteXLSX)

	same := func(wantBody []byte, contentType string) func(t *testing.T, res *http.Response, body []byte) {
		return func(t *testing.T, res *http.Response, body []byte) {
			t.Helper()
			if len(wantBody) == 0 || !bytes.Equal(body, wantBody) {
				t.Errorf("body: got %d bytes, want the CLI's %d bytes (they differ)", len(body), len(wantBody))
			}
			if got := res.Header.Get("Content-Type"); got != contentType {
				t.Errorf("Content-Type: got %q, want %q", got, contentType)
			}
		}
	}
	scenarios := []scenario{
		{name: "jaarverslag csv", path: "/api/v1/reports/jaarverslag?schooljaar=" + sj, role: "analist", status: 200,
			check: allOf(same(jvCSV, contentCSV), headerIs("Content-Disposition", `attachment; filename="jaarverslag_2018-2019.csv"`))},
		{name: "jaarverslag xlsx for beheer", path: "/api/v1/reports/jaarverslag?schooljaar=" + sj + "&format=xlsx", role: "beheer", status: 200,
			check: same(jvXLSX, contentXLSX)},
		{name: "jaarverslag for bestuur", path: "/api/v1/reports/jaarverslag?schooljaar=" + sj, role: "bestuur", status: 403},
		{name: "jaarverslag without credentials", path: "/api/v1/reports/jaarverslag?schooljaar=" + sj, status: 401},
		{name: "jaarverslag without schooljaar", path: "/api/v1/reports/jaarverslag", role: "analist", status: 400,
			check: bodyHas(`"parameter":"schooljaar"`), invalid: true},
		{name: "jaarverslag, malformed schooljaar", path: "/api/v1/reports/jaarverslag?schooljaar=2018-2020", role: "analist", status: 400,
			check: bodyHas(`"parameter":"schooljaar"`, "2018-2019")},
		{name: "jaarverslag, unknown schooljaar", path: "/api/v1/reports/jaarverslag?schooljaar=1900-1901", role: "analist", status: 400,
			check: bodyHas(`"parameter":"schooljaar"`, "outside the school years")},
		{name: "jaarverslag, format pdf", path: "/api/v1/reports/jaarverslag?schooljaar=" + sj + "&format=pdf", role: "analist", status: 400,
			check: bodyHas(`"parameter":"format"`), invalid: true},
		{name: "jaarverslag openbaar csv", path: "/api/v1/reports/jaarverslag?schooljaar=" + sj + "&openbaar=true", role: "analist", status: 200,
			check: allOf(same(jvPublicCSV, contentCSV), headerIs("Content-Disposition", `attachment; filename="jaarverslag_2018-2019_openbaar.csv"`))},
		{name: "jaarverslag openbaar, drempel 10, its note", path: "/api/v1/reports/jaarverslag?schooljaar=" + sj + "&openbaar=1&drempel=10&format=toelichting", role: "analist", status: 200,
			check: same(jvPublicNote, contentText)},
		{name: "jaarverslag exact has no note", path: "/api/v1/reports/jaarverslag?schooljaar=" + sj + "&format=toelichting", role: "analist", status: 400,
			check: bodyHas(`"parameter":"format"`)},
		{name: "jaarverslag, unknown parameter", path: "/api/v1/reports/jaarverslag?schooljaar=" + sj + "&gemeente=GM0392", role: "analist", status: 400,
			check: bodyHas(`"parameter":"gemeente"`)},
		{name: "leerplichttelling csv", path: "/api/v1/exports/leerplichttelling?schooljaar=" + sj, role: "analist", status: 200,
			check: same(lpCSV, contentCSV)},
		{name: "leerplichttelling openbaar, drempel 10", path: "/api/v1/exports/leerplichttelling?schooljaar=" + sj + "&openbaar=true&drempel=10", role: "analist", status: 200,
			check: allOf(same(lpPublicCSV, contentCSV), headerIs("Content-Disposition", `attachment; filename="leerplichttelling_2018-2019_openbaar.csv"`))},
		{name: "leerplichttelling openbaar, its note", path: "/api/v1/exports/leerplichttelling?schooljaar=" + sj + "&openbaar=true&drempel=10&format=toelichting", role: "analist", status: 200,
			check: allOf(same(lpPublicNote, contentText), bodyHas("Openbare versie"))},
		{name: "vsv xlsx", path: "/api/v1/exports/vsv?schooljaar=" + sj + "&format=xlsx", role: "analist", status: 200,
			check: same(vsvXLSX, contentXLSX)},
		{name: "drempel without openbaar", path: "/api/v1/exports/vsv?schooljaar=" + sj + "&drempel=3", role: "analist", status: 400,
			check: bodyHas(`"parameter":"drempel"`)},
		{name: "drempel 1", path: "/api/v1/exports/vsv?schooljaar=" + sj + "&openbaar=true&drempel=1", role: "analist", status: 400,
			check: bodyHas(`"parameter":"drempel"`), invalid: true},
		{name: "openbaar not a boolean", path: "/api/v1/exports/vsv?schooljaar=" + sj + "&openbaar=ja", role: "analist", status: 400,
			check: bodyHas(`"parameter":"openbaar"`), invalid: true},
		{name: "unknown export", path: "/api/v1/exports/leerlingen?schooljaar=" + sj, role: "analist", status: 404, invalid: true},
		{name: "export for bestuur", path: "/api/v1/exports/vsv?schooljaar=" + sj, role: "bestuur", status: 403},
	}
	openapi3filter.RegisterBodyDecoder(contentXLSX, func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	})
	check := openAPIChecker(t)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			res, body := sc.send(t, w, ts.URL)
			if res.StatusCode != sc.status {
				t.Fatalf("status: got %d, want %d; body: %.400s", res.StatusCode, sc.status, body)
			}
			if sc.check != nil {
				sc.check(t, res, body)
			}
			check(t, sc, ts.URL, res, body)
		})
	}
}
