package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// The upload tests run a real server over a temp DuckDB file with a real scheduler
// (etl.Scheduler) whose one job, "gemeenten", loads a temp inbox. The api package
// never imports etl; its tests do, to have real runs (as grafana_fixture_test.go does
// to have real data).

// uploadKey is the fixture's pseudonym key: synthetic, for tests only.
var uploadKey = []byte("api-test-upload-key-0123456789abcdef")

// uploadJob is the fixture's job.
const uploadJob = "gemeenten"

// uploadFixture is a server with a real scheduler, a token per role and the log.
type uploadFixture struct {
	t      *testing.T
	db     *warehouse.DB
	jobs   *testJobFiles
	inbox  string
	srv    *Server
	ts     *httptest.Server
	tokens map[string]string
	logs   *syncBuffer
}

// newUploadFixture starts the fixture; stable is the job's stable-after (an hour: only
// a delivered file loads at once).
func newUploadFixture(t *testing.T, cfg Config, stable time.Duration) *uploadFixture {
	t.Helper()
	ctx := context.Background()
	db, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "leerplein.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &uploadFixture{t: t, db: db, inbox: t.TempDir(), tokens: map[string]string{}, logs: &syncBuffer{}}
	sched, err := etl.NewScheduler(etl.SchedulerConfig{DB: db, Key: uploadKey, Jobs: []etl.Job{{Name: uploadJob,
		Schedule: "@yearly", Inbox: f.inbox, StableAfter: stable, Feeds: []string{"verzuimmeldingen"}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sched.Stop)
	for _, r := range RoleNames() {
		if f.tokens[r], err = CreateToken(ctx, db, "test-"+r, r); err != nil {
			t.Fatal(err)
		}
	}
	f.jobs = &testJobFiles{s: sched}
	cfg.Jobs = f.jobs
	f.srv = New(db, cfg, slog.New(slog.NewTextHandler(f.logs, nil)))
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// part is one part of a multipart body: a form field, a file name and the bytes.
type part struct {
	field, name string
	data        []byte
}

func filePart(name string, data []byte) part { return part{field: "file", name: name, data: data} }

// multipartBody writes the parts with the file name exactly as given (a path, odd
// characters and all), as a client may.
func multipartBody(t *testing.T, parts ...part) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, p.field, p.name))
		h.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// post sends body to path with the role's token ("" for none) and extra headers.
func (f *uploadFixture) post(path, role, contentType string, body io.Reader, header map[string]string) (*http.Response, string) {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.ts.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		f.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// upload posts the files to the job as beheer.
func (f *uploadFixture) upload(parts ...part) (*http.Response, string) {
	f.t.Helper()
	ct, body := multipartBody(f.t, parts...)
	return f.post("/api/v1/jobs/"+uploadJob+"/files", "beheer", ct, bytes.NewReader(body), nil)
}

// get requests path as role.
func (f *uploadFixture) get(path, role string) (*http.Response, string) {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+path, nil)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// finished waits for run id to end and returns its files as "name status".
func (f *uploadFixture) finished(id int64) []string {
	f.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var status string
		if err := f.db.QueryRow(`select status from etl_run where run_id = ?`, id).Scan(&status); err != nil {
			f.t.Fatalf("run %d: %v", id, err)
		}
		if status != "running" && !f.jobs.Jobs()[0].Running {
			break
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("run %d still running after 30 s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return f.ledger(`run_id = ?`, id)
}

// ledger lists the ledger's files where cond holds, as "name status".
func (f *uploadFixture) ledger(cond string, args ...any) []string {
	f.t.Helper()
	rows, err := f.db.Query(`select file_name || ' ' || status from etl_file where `+cond+` order by file_id`, args...)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// runs counts the ledger's runs.
func (f *uploadFixture) runs() int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(`select count(*) from etl_run`).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// dir lists a directory below the inbox ("" for the inbox itself).
func (f *uploadFixture) dir(sub string) []string {
	f.t.Helper()
	entries, err := os.ReadDir(filepath.Join(f.inbox, sub))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		f.t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// nothingArrived checks that the inbox holds only want (besides the staging directory
// and what is handled) and that no upload is left half-written in staging.
func (f *uploadFixture) nothingArrived(want ...string) {
	f.t.Helper()
	var got []string
	for _, n := range f.dir("") {
		if n != ".upload" && n != "processed" && n != "rejected" {
			got = append(got, n)
		}
	}
	if !slices.Equal(got, want) {
		f.t.Errorf("inbox: got %v, want %v", got, want)
	}
	if got := f.dir(".upload"); len(got) != 0 {
		f.t.Errorf("staging directory: got %v, want empty", got)
	}
}

// login logs a beheer user in with a session cookie, from this site.
func (f *uploadFixture) login() *http.Cookie {
	f.t.Helper()
	const pass = "beheer-wachtwoord-2026"
	if err := SetUser(context.Background(), f.db, "beheerder", "beheer", pass, true); err != nil {
		f.t.Fatal(err)
	}
	form := url.Values{"name": {"beheerder"}, "password": {pass}}
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.ts.URL)
	res, err := noRedirect.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	f.t.Fatalf("login: status %d, no session cookie", res.StatusCode)
	return nil
}

// elevenBSN returns the n-th synthetic nine-digit number that passes the eleven test.
func elevenBSN(n int) string {
	for i := n * 11; ; i++ {
		base := fmt.Sprintf("%08d", 20000000+i*13)
		sum := 0
		for j := range 8 {
			sum += (9 - j) * int(base[j]-'0')
		}
		if d := sum % 11; d < 10 {
			return base + fmt.Sprint(d)
		}
	}
}

// verzuimCSV is a verzuimmeldingen export of n synthetic rows whose ids start with prefix.
func verzuimCSV(prefix string, n int) []byte {
	var b strings.Builder
	b.WriteString("melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum;startdatum;uren;brin\r\n")
	for i := range n {
		fmt.Fprintf(&b, "%s%d;%s;01-01-2010;Haarlem;WVO;RELATIEF;01-10-2024;24-09-2024;12,5;00AA\r\n", prefix, i, elevenBSN(i))
	}
	return []byte(b.String())
}

// brokenCSV is a verzuimmeldingen export without its required columns: rejected whole.
func brokenCSV() []byte { return []byte("melding_id;geboortedatum\r\nm1;01-01-2010\r\n") }

// testJobFiles adapts *etl.Scheduler to Jobs and JobFiles as cmd/leerplein does; busy
// and deliverBusy make it say a run is going (before the upload, or when it is
// delivered).
type testJobFiles struct {
	s           *etl.Scheduler
	busy        atomic.Bool
	deliverBusy atomic.Bool
}

func (a *testJobFiles) Jobs() []JobInfo {
	var out []JobInfo
	for _, j := range a.s.Jobs() {
		out = append(out, JobInfo{Name: j.Name, Schedule: j.Schedule, Inbox: j.Inbox, Feeds: j.Feeds,
			Running: j.Running || a.busy.Load(), LastRunID: j.LastRunID, LastStatus: j.LastStatus})
	}
	return out
}

func (a *testJobFiles) Loading() bool { return a.s.Loading() }

func (a *testJobFiles) RunNow(name string) (int64, error) {
	id, err := a.s.RunNow(name)
	return id, testFileErr(err)
}

func (a *testJobFiles) FeedOf(file string) string { return etl.FeedOf(file) }

func (a *testJobFiles) FeedNames() []string { return etl.FeedNames() }

func (a *testJobFiles) StagingDir(job string) (string, error) {
	dir, err := a.s.StagingDir(job)
	return dir, testFileErr(err)
}

func (a *testJobFiles) Deliver(job string, files []StagedFile) (int64, error) {
	if a.deliverBusy.Load() {
		return 0, ErrJobRunning
	}
	staged := make([]etl.Staged, len(files))
	for i, f := range files {
		staged[i] = etl.Staged{Path: f.Path, Name: f.Name}
	}
	id, err := a.s.Deliver(job, staged)
	return id, testFileErr(err)
}

func (a *testJobFiles) Rejected(job string) ([]RejectedFile, error) {
	files, err := a.s.Rejected(job)
	var out []RejectedFile
	for _, f := range files {
		out = append(out, RejectedFile{Name: f.Name, Feed: f.Feed, Size: f.Size, RejectedAt: f.RejectedAt, Reason: f.Reason, Replaced: f.Replaced})
	}
	return out, testFileErr(err)
}

func (a *testJobFiles) Reload(job, file string) (string, int64, error) {
	name, id, err := a.s.Reload(job, file)
	return name, id, testFileErr(err)
}

func testFileErr(err error) error {
	var fe *etl.FileError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe) && errors.Is(err, etl.ErrFileWaiting):
		return &FileError{Name: fe.Name, Err: ErrFileWaiting}
	case errors.As(err, &fe) && errors.Is(err, etl.ErrNotRejected):
		return &FileError{Name: fe.Name, Err: ErrFileNotRejected}
	case errors.As(err, &fe) && errors.Is(err, etl.ErrRecentlyChanged):
		return &FileError{Name: fe.Name, Err: ErrFileChanging}
	case errors.Is(err, etl.ErrUnknownJob):
		return fmt.Errorf("%w: %w", ErrJobUnknown, err)
	case errors.Is(err, etl.ErrJobRunning):
		return fmt.Errorf("%w: %w", ErrJobRunning, err)
	}
	return err
}
