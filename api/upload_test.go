package api

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// uploadAnswerOf decodes a 202 to an upload.
func uploadAnswerOf(t *testing.T, body string) uploadAnswer {
	t.Helper()
	var a uploadAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("answer %q: %v", body, err)
	}
	return a
}

// TestUploadLoads: uploaded exports go into the inbox and the run the upload starts
// loads them at once (the job waits an hour for files that arrive on disk), through the
// ledger like any other file.
func TestUploadLoads(t *testing.T) {
	f := newUploadFixture(t, Config{}, time.Hour)
	check := openAPIChecker(t)
	sc := scenario{method: http.MethodPost, path: "/api/v1/jobs/" + uploadJob + "/files", invalid: true}

	res, body := f.upload(filePart("verzuimmeldingen_2024-2025.csv", verzuimCSV("a", 20)))
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("one file: status %d, want 202: %s", res.StatusCode, body)
	}
	check(t, sc, f.ts.URL, res, []byte(body))
	a := uploadAnswerOf(t, body)
	if a.Job != uploadJob || !slices.Equal(a.Files, []string{"verzuimmeldingen_2024-2025.csv"}) || a.RunID == 0 {
		t.Errorf("answer: got %+v, want the job, the file and a run id", a)
	}
	if got, want := f.finished(a.RunID), []string{"verzuimmeldingen_2024-2025.csv loaded"}; !slices.Equal(got, want) {
		t.Errorf("ledger of run %d: got %v, want %v", a.RunID, got, want)
	}
	var rows int
	if err := f.db.QueryRow(`select count(*) from fact_verzuimmelding`).Scan(&rows); err != nil || rows != 20 {
		t.Errorf("rows loaded: got %d (%v), want 20", rows, err)
	}
	f.nothingArrived()
	if got := f.dir("processed"); !slices.Equal(got, []string{"verzuimmeldingen_2024-2025.csv"}) {
		t.Errorf("processed/: got %v", got)
	}

	t.Run("several files in one run", func(t *testing.T) {
		res, body := f.upload(filePart("verzuimmeldingen_b.csv", verzuimCSV("b", 3)), filePart("verzuimmeldingen_c.xlsx", xlsxOf(t, verzuimCSV("c", 2))))
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("status %d, want 202: %s", res.StatusCode, body)
		}
		check(t, sc, f.ts.URL, res, []byte(body))
		a := uploadAnswerOf(t, body)
		if !slices.Equal(a.Files, []string{"verzuimmeldingen_b.csv", "verzuimmeldingen_c.xlsx"}) {
			t.Errorf("files: got %v", a.Files)
		}
		if got, want := f.finished(a.RunID), []string{"verzuimmeldingen_b.csv loaded", "verzuimmeldingen_c.xlsx loaded"}; !slices.Equal(got, want) {
			t.Errorf("ledger of run %d: got %v, want %v", a.RunID, got, want)
		}
		f.nothingArrived()
	})

	t.Run("a zip bomb posing as XLSX is rejected by the loader", func(t *testing.T) {
		res, body := f.upload(filePart("verzuimmeldingen_bom.xlsx", zipBomb(t)))
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("status %d, want 202 (the loader judges the contents): %s", res.StatusCode, body)
		}
		a := uploadAnswerOf(t, body)
		if got, want := f.finished(a.RunID), []string{"verzuimmeldingen_bom.xlsx rejected"}; !slices.Equal(got, want) {
			t.Errorf("ledger of run %d: got %v, want %v", a.RunID, got, want)
		}
		var reason string
		f.db.QueryRow(`select reason from etl_file where run_id = ?`, a.RunID).Scan(&reason)
		if !strings.Contains(reason, "compress") && !strings.Contains(reason, "ingepakt") {
			t.Errorf("reason: got %q, want it to name the compression", reason)
		}
		if got := f.dir("rejected"); !slices.Contains(got, "verzuimmeldingen_bom.xlsx") {
			t.Errorf("rejected/: got %v, want the bomb there", got)
		}
		f.nothingArrived()
	})
}

// TestUploadRefused is each attack on the upload, and each plain mistake: every one is
// refused with a Dutch message, and nothing reaches the inbox, half-written or whole,
// nor stays behind in staging; no run starts.
func TestUploadRefused(t *testing.T) {
	bsn := elevenBSN(7)
	big := bytes.Repeat([]byte("x"), 2000)
	type request struct {
		contentType string
		body        []byte
	}
	multi := func(parts ...part) func(t *testing.T) request {
		return func(t *testing.T) request {
			ct, b := multipartBody(t, parts...)
			return request{ct, b}
		}
	}
	tests := []struct {
		name   string
		req    func(t *testing.T) request
		plant  func(t *testing.T, f *uploadFixture) // before the upload
		status int
		says   string
		left   []string // what stays in the inbox (planted)
	}{
		{name: "a path up", req: multi(filePart("../verzuimmeldingen.csv", verzuimCSV("a", 1))), status: 400, says: "bevat een pad"},
		{name: "a path down", req: multi(filePart("processed/verzuimmeldingen.csv", verzuimCSV("a", 1))), status: 400, says: "bevat een pad"},
		{name: "a Windows path", req: multi(filePart(`C:\Users\steward\verzuimmeldingen.csv`, verzuimCSV("a", 1))), status: 400, says: "bevat een pad"},
		{name: "dots", req: multi(filePart("verzuimmeldingen..csv", verzuimCSV("a", 1))), status: 400, says: "bevat een pad"},
		{name: "a control character", req: multi(filePart("verzuimmeldingen\x01.csv", verzuimCSV("a", 1))), status: 400, says: "geen geldige multipart"},
		{name: "an escape character", req: multi(filePart("verzuimmeldingen\u009b.csv", verzuimCSV("a", 1))), status: 400, says: "niet zijn toegestaan"},
		{name: "a right-to-left override", req: multi(filePart("verzuimmeldingen_\u202evsc.xlsx", verzuimCSV("a", 1))), status: 400, says: "niet zijn toegestaan"},
		{name: "a wrong feed name", req: multi(filePart("verzuim_2025.csv", verzuimCSV("a", 1))), status: 400, says: "geen exportbestand dat de lader herkent"},
		{name: "a type the loader does not read", req: multi(filePart("verzuimmeldingen.docx", verzuimCSV("a", 1))), status: 400, says: "eindigt op .csv, .xlsx of .parquet"},
		{name: "a hidden file", req: multi(filePart(".verzuimmeldingen.csv", verzuimCSV("a", 1))), status: 400, says: "herkent"},
		{name: "a partial-upload name", req: multi(filePart("verzuimmeldingen.csv.part", verzuimCSV("a", 1))), status: 400, says: "herkent"},
		{name: "a BSN in the name", req: multi(filePart("verzuimmeldingen_"+bsn+".csv", verzuimCSV("a", 1))), status: 400, says: "BSN"},
		{name: "no name", req: multi(filePart("", verzuimCSV("a", 1))), status: 400, says: "zonder naam"},
		{name: "a file over the cap", req: multi(filePart("verzuimmeldingen.csv", big)), status: 413, says: "groter dan 1 KiB"},
		{name: "a good file, then one over the cap", req: multi(filePart("verzuimmeldingen_a.csv", verzuimCSV("a", 1)), filePart("verzuimmeldingen_b.csv", big)), status: 413, says: "verzuimmeldingen_b.csv"},
		{name: "a good file, then a bad name", req: multi(filePart("verzuimmeldingen_a.csv", verzuimCSV("a", 1)), filePart("../verzuimmeldingen_b.csv", nil)), status: 400, says: "pad"},
		{name: "more files than allowed", req: multi(filePart("verzuimmeldingen_a.csv", nil), filePart("verzuimmeldingen_b.csv", nil), filePart("verzuimmeldingen_c.csv", nil), filePart("verzuimmeldingen_d.csv", nil)), status: 400, says: "ten hoogste 3 bestanden"},
		{name: "the same name twice", req: multi(filePart("verzuimmeldingen_a.csv", nil), filePart("verzuimmeldingen_a.csv", nil)), status: 400, says: "twee keer"},
		{name: "another field", req: multi(part{field: "bestand", name: "verzuimmeldingen.csv", data: verzuimCSV("a", 1)}), status: 400, says: "veld file"},
		{name: "no file", req: multi(), status: 400, says: "geen bestand ontvangen"},
		{name: "not multipart", req: func(*testing.T) request { return request{"text/csv", verzuimCSV("a", 1)} }, status: 400, says: "multipart/form-data"},
		{name: "a body over the request's bound", req: func(t *testing.T) request {
			ct, b := multipartBody(t, filePart("verzuimmeldingen.csv", verzuimCSV("a", 1)))
			return request{ct, append(bytes.Repeat([]byte("voorwoord\r\n"), 30_000), b...)} // a preamble the reader skips
		}, status: 413, says: "de upload is groter"},
		{name: "a file of that name waiting", req: multi(filePart("verzuimmeldingen.csv", verzuimCSV("a", 1))),
			plant: func(t *testing.T, f *uploadFixture) {
				os.WriteFile(filepath.Join(f.inbox, "verzuimmeldingen.csv"), []byte("van de schijf"), 0o600)
			}, status: 409, says: "overschrijft het niet", left: []string{"verzuimmeldingen.csv"}},
		{name: "a link planted under the name", req: multi(filePart("verzuimmeldingen.csv", verzuimCSV("a", 1))),
			plant: func(t *testing.T, f *uploadFixture) {
				os.Symlink(filepath.Join(t.TempDir(), "elders.csv"), filepath.Join(f.inbox, "verzuimmeldingen.csv"))
			}, status: 409, says: "overschrijft het niet", left: []string{"verzuimmeldingen.csv"}},
		{name: "a job running", req: multi(filePart("verzuimmeldingen.csv", verzuimCSV("a", 1))),
			plant: func(t *testing.T, f *uploadFixture) { f.jobs.busy.Store(true) }, status: 409, says: "er loopt al een laadronde"},
		{name: "a run started while the files came in", req: multi(filePart("verzuimmeldingen.csv", verzuimCSV("a", 1))),
			plant: func(t *testing.T, f *uploadFixture) { f.jobs.deliverBusy.Store(true) }, status: 409, says: "probeer het opnieuw"},
	}
	check := openAPIChecker(t)
	// One server for every case (a warehouse each would take most of the test's time):
	// each case starts from an empty inbox and a scheduler that is not busy.
	shared := newUploadFixture(t, Config{UploadMaxBytes: 1024, UploadMaxFiles: 3}, time.Hour)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := *shared
			f.t = t
			defer func() {
				for _, n := range f.dir("") {
					if n != ".upload" {
						os.Remove(filepath.Join(f.inbox, n))
					}
				}
				f.jobs.busy.Store(false)
				f.jobs.deliverBusy.Store(false)
			}()
			if tc.plant != nil {
				tc.plant(t, &f)
			}
			r := tc.req(t)
			path := "/api/v1/jobs/" + uploadJob + "/files"
			res, body := f.post(path, "beheer", r.contentType, bytes.NewReader(r.body), nil)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.says) {
				t.Errorf("got %d %s; want %d saying %q", res.StatusCode, body, tc.status, tc.says)
			}
			check(t, scenario{method: http.MethodPost, path: path, invalid: true}, f.ts.URL, res, []byte(body))
			f.nothingArrived(tc.left...)
			if n := f.runs(); n != 0 {
				t.Errorf("runs: got %d, want none", n)
			}
			if strings.Contains(body, bsn) || strings.Contains(f.logs.String(), bsn) {
				t.Errorf("the BSN in the name reached the answer or the log")
			}
		})
	}
	t.Run("a link planted at the staging directory", func(t *testing.T) {
		f := newUploadFixture(t, Config{}, time.Hour)
		elders := t.TempDir()
		if err := os.Symlink(elders, filepath.Join(f.inbox, ".upload")); err != nil {
			t.Fatal(err)
		}
		res, body := f.upload(filePart("verzuimmeldingen.csv", verzuimCSV("a", 1)))
		if res.StatusCode != http.StatusInternalServerError {
			t.Errorf("status %d, want 500: %s", res.StatusCode, body)
		}
		if got, _ := os.ReadDir(elders); len(got) != 0 {
			t.Errorf("written through the link: %v", got)
		}
	})
}

// TestUploadClientGone: a client that goes away halfway through a file leaves nothing:
// the half-written staged file is removed and the inbox stays empty.
func TestUploadClientGone(t *testing.T) {
	f := newUploadFixture(t, Config{}, time.Hour)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/api/v1/jobs/"+uploadJob+"/files", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+f.tokens["beheer"])
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	w, err := mw.CreateFormFile("file", "verzuimmeldingen_half.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(verzuimCSV("h", 500)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the upload is being staged", func() bool { return len(f.dir(".upload")) == 1 })
	pw.CloseWithError(errors.New("the steward closed the browser"))
	if err := <-done; err == nil {
		t.Error("the client's request ended without an error")
	}
	waitUntil(t, "the server let go of the upload", func() bool {
		return len(f.dir(".upload")) == 0 && strings.Contains(f.logs.String(), "upload broken off")
	})
	f.nothingArrived()
	if n := f.runs(); n != 0 {
		t.Errorf("runs: got %d, want none", n)
	}
}

// TestUploadOutlastsReadTimeout: the server's ReadTimeout bounds ordinary requests, not
// an upload that keeps sending; it is cut off only after a minute without data.
func TestUploadOutlastsReadTimeout(t *testing.T) {
	f := newUploadFixture(t, Config{}, time.Hour)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: f.srv.Handler(), ReadTimeout: 300 * time.Millisecond, WriteTimeout: 300 * time.Millisecond}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	ct, body := multipartBody(t, filePart("verzuimmeldingen_traag.csv", verzuimCSV("t", 50)))
	pr, pw := io.Pipe()
	go func() {
		for chunk := range slices.Chunk(body, len(body)/8+1) {
			time.Sleep(120 * time.Millisecond) // about a second in all
			pw.Write(chunk)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/api/v1/jobs/"+uploadJob+"/files", pr)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+f.tokens["beheer"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("slow upload: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("slow upload: status %d, want 202: %s", res.StatusCode, b)
	}
	f.finished(uploadAnswerOf(t, string(b)).RunID)
}

// TestUploadCrossSite: the session cookie of a logged-in beheer does not let another
// site's page upload; the dashboard itself may.
func TestUploadCrossSite(t *testing.T) {
	f := newUploadFixture(t, Config{}, time.Hour)
	cookie := f.login()
	ct, body := multipartBody(t, filePart("verzuimmeldingen.csv", verzuimCSV("x", 2)))
	send := func(header map[string]string) (*http.Response, string) {
		header["Cookie"] = sessionCookie + "=" + cookie.Value
		return f.post("/api/v1/jobs/"+uploadJob+"/files", "", ct, bytes.NewReader(body), header)
	}
	for name, h := range map[string]map[string]string{
		"a cross-site form":   {"Origin": "https://elders.example", "Sec-Fetch-Site": "cross-site"},
		"a sibling site":      {"Origin": "http://ander.localhost", "Sec-Fetch-Site": "same-site"},
		"Origin only":         {"Origin": "https://elders.example"},
		"an opaque origin":    {"Origin": "null"},
		"Fetch Metadata only": {"Sec-Fetch-Site": "cross-site"},
	} {
		t.Run(name, func(t *testing.T) {
			res, b := send(h)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(b, "andere website geweigerd") {
				t.Errorf("status %d, want 403 (cross-site refused): %s", res.StatusCode, b)
			}
			f.nothingArrived()
		})
	}
	res, b := send(map[string]string{"Origin": f.ts.URL, "Sec-Fetch-Site": "same-origin"})
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("from the dashboard itself: status %d, want 202: %s", res.StatusCode, b)
	}
	f.finished(uploadAnswerOf(t, b).RunID)
}

// TestUploadRoutesRoles is the role table of the new routes: each route × no
// credentials, bestuur, analist and beheer. Only beheer gets past the guard, and a
// refused request moves nothing.
func TestUploadRoutesRoles(t *testing.T) {
	f := newUploadFixture(t, Config{}, time.Hour)
	check := openAPIChecker(t)
	type route struct {
		name, method, path string
		body               func() (string, io.Reader)
		beheer             int
	}
	routes := []route{
		{"upload", http.MethodPost, "/api/v1/jobs/" + uploadJob + "/files", func() (string, io.Reader) {
			ct, b := multipartBody(t, filePart("verzuimmeldingen.csv", verzuimCSV("r", 2)))
			return ct, bytes.NewReader(b)
		}, 202},
		{"rejected files", http.MethodGet, "/api/v1/jobs/" + uploadJob + "/rejected", nil, 200},
		{"load again", http.MethodPost, "/api/v1/jobs/" + uploadJob + "/rejected/verzuimmeldingen_x.csv/reload", nil, 404},
	}
	for _, r := range routes {
		for _, role := range []struct {
			name   string
			status int
		}{{"", 401}, {"bestuur", 403}, {"analist", 403}, {"beheer", r.beheer}} {
			who := role.name
			if who == "" {
				who = "no credentials"
			}
			t.Run(r.name+" for "+who, func(t *testing.T) {
				var ct string
				var body io.Reader
				if r.body != nil {
					ct, body = r.body()
				}
				req, _ := http.NewRequest(r.method, f.ts.URL+r.path, body)
				if ct != "" {
					req.Header.Set("Content-Type", ct)
				}
				if role.name != "" {
					req.Header.Set("Authorization", "Bearer "+f.tokens[role.name])
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != role.status {
					t.Fatalf("status %d, want %d: %s", res.StatusCode, role.status, b)
				}
				check(t, scenario{method: r.method, path: r.path, invalid: r.body != nil}, f.ts.URL, res, b)
				if role.status == 202 {
					f.finished(uploadAnswerOf(t, string(b)).RunID)
				}
				f.nothingArrived()
			})
		}
	}
	if n := f.runs(); n != 1 {
		t.Errorf("runs: got %d, want 1 (beheer's upload)", n)
	}
}

// TestUploadWithoutScheduler: a server without jobs, or with a Jobs that cannot take
// files, answers 404 as for an unknown job; so does an unknown job.
func TestUploadWithoutScheduler(t *testing.T) {
	w := ledgerWarehouse(t)
	for name, jobs := range map[string]Jobs{"no scheduler": nil, "a scheduler without files": &fakeJobs{}} {
		t.Run(name, func(t *testing.T) {
			_, ts := ledgerServer(t, w, jobs)
			ct, body := multipartBody(t, filePart("verzuimmeldingen.csv", []byte("x")))
			for _, p := range []string{"/api/v1/jobs/jaarlijks/files", "/api/v1/jobs/jaarlijks/rejected/verzuimmeldingen.csv/reload"} {
				req, _ := http.NewRequest(http.MethodPost, ts.URL+p, bytes.NewReader(body))
				req.Header.Set("Content-Type", ct)
				res := w.do(t, req, "beheer")
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusNotFound || !strings.Contains(string(b), "bestaat niet") {
					t.Errorf("POST %s: status %d, want 404: %s", p, res.StatusCode, b)
				}
			}
		})
	}
	f := newUploadFixture(t, Config{}, time.Hour)
	ct, body := multipartBody(t, filePart("verzuimmeldingen.csv", []byte("x")))
	res, b := f.post("/api/v1/jobs/bestaat_niet/files", "beheer", ct, bytes.NewReader(body), nil)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown job: status %d, want 404: %s", res.StatusCode, b)
	}
}

func TestSizeNL(t *testing.T) {
	for n, want := range map[int64]string{1 << 30: "1 GiB", 512 << 20: "512 MiB", 1536 << 20: "1,5 GiB", 1024: "1 KiB", 10: "10 bytes"} {
		if got := sizeNL(n); got != want {
			t.Errorf("sizeNL(%d): got %q, want %q", n, got, want)
		}
	}
}

// waitUntil polls cond for up to ten seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: did not happen within 10 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// zipBomb is a small file that unpacks to 64 MiB of one worksheet: far beyond the
// loader's compression ratio.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	row := []byte(strings.Repeat(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`, 1000))
	for range (64 << 20) / len(row) {
		w.Write(row)
	}
	zw.Close()
	return b.Bytes()
}

// xlsxOf is a minimal workbook whose first sheet holds the CSV's cells as inline text.
func xlsxOf(t *testing.T, csv []byte) []byte {
	t.Helper()
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, line := range strings.Split(strings.TrimSpace(string(csv)), "\r\n") {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, cell := range strings.Split(line, ";") {
			fmt.Fprintf(&sheet, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+j, i+1, cell)
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   sheet.String(),
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, parts[name])
	}
	zw.Close()
	return b.Bytes()
}
