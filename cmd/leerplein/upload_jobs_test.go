package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/etl"
)

func TestConfigUpload(t *testing.T) {
	const wh = "warehouse: w.duckdb\n"
	c, err := parseConfig([]byte(wh), "/etc")
	if err != nil || c.uploadMaxBytes != 1<<30 || c.uploadMaxFiles != 20 {
		t.Errorf("defaults: got %d bytes, %d files (%v); want 1 GiB and 20", c.uploadMaxBytes, c.uploadMaxFiles, err)
	}
	c, err = parseConfig([]byte(wh+"upload:\n  max_file_size: 5MiB\n  max_files: 3\n"), "/etc")
	if err != nil || c.uploadMaxBytes != 5<<20 || c.uploadMaxFiles != 3 {
		t.Errorf("set: got %d bytes, %d files (%v); want 5 MiB and 3", c.uploadMaxBytes, c.uploadMaxFiles, err)
	}
	for yaml, want := range map[string]string{
		"upload:\n  max_file_size: veel\n": `upload: max_file_size: "veel"`,
		"upload:\n  max_file_size: 0B\n":   `upload: max_file_size: "0B"`,
		"upload:\n  max_files: -1\n":       "upload: max_files must be at least 1",
		"upload:\n  max_bytes: 10\n":       "field max_bytes not found",
	} {
		if _, err := parseConfig([]byte(wh+yaml), "/etc"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", yaml, err, want)
		}
	}
}

// TestAPIFileErr: the adapter hands the API the errors it maps to statuses.
func TestAPIFileErr(t *testing.T) {
	tests := []struct {
		in   error
		want error
	}{
		{&etl.FileError{Name: "x.csv", Err: etl.ErrFileWaiting}, api.ErrFileWaiting},
		{&etl.FileError{Name: "x.csv", Err: etl.ErrNotRejected}, api.ErrFileNotRejected},
		{&etl.FileError{Name: "x.csv", Err: etl.ErrRecentlyChanged}, api.ErrFileChanging},
		{fmt.Errorf("%w: %q", etl.ErrUnknownJob, "x"), api.ErrJobUnknown},
		{fmt.Errorf("%w: %q", etl.ErrJobRunning, "x"), api.ErrJobRunning},
		{etl.ErrStopped, api.ErrJobRunning},
	}
	for _, tc := range tests {
		got := apiFileErr(tc.in)
		if !errors.Is(got, tc.want) {
			t.Errorf("apiFileErr(%v) = %v, want it to wrap %v", tc.in, got, tc.want)
		}
		var fe *api.FileError
		if _, isFile := tc.in.(*etl.FileError); isFile && (!errors.As(got, &fe) || fe.Name != "x.csv") {
			t.Errorf("apiFileErr(%v) = %v, want an api.FileError naming x.csv", tc.in, got)
		}
	}
	if apiFileErr(nil) != nil {
		t.Error("apiFileErr(nil) is not nil")
	}
}

// TestServeConfigUpload runs `leerplein serve --config` with a job and the upload cap
// from the configuration: an upload loads at once (the job waits an hour for files on
// disk), one over the cap is refused.
func TestServeConfigUpload(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "leerplein.yaml")
	body := "warehouse: w.duckdb\nlisten: 127.0.0.1:0\nupload:\n  max_file_size: 4KiB\njobs:\n  - name: gemeenten\n    schedule: \"@yearly\"\n    inbox: inbox\n    stable_after: 1h\n"
	if err := os.WriteFile(config, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(context.Background(), "", "token", "create", "--db", filepath.Join(dir, "w.duckdb"), "--role", "beheer", "--name", "upload")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	getenv := func(k string) string {
		if k == "LEERPLEIN_PSEUDO_KEY" {
			return processKey
		}
		return ""
	}
	go func() {
		done <- run(ctx, []string{"serve", "--config", config}, getenv, strings.NewReader(""), &stdout, &stderr)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := servingURL.FindStringSubmatch(stdout.String()); m != nil {
			base = strings.TrimSuffix(m[1], "/")
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no URL; stdout: %s stderr: %s", stdout.String(), stderr.String())
		}
	}
	upload := func(name string, data []byte) (int, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		w, _ := mw.CreateFormFile("file", name)
		w.Write(data)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/jobs/gemeenten/files", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(out)
	}
	csv := "melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum;startdatum;uren;brin\r\n"
	for i := range 5 {
		csv += fmt.Sprintf("m%d;%s;01-01-2010;Haarlem;WVO;RELATIEF;01-10-2024;24-09-2024;12,5;00AA\r\n", i, elevenBSN(i))
	}
	status, answer := upload("verzuimmeldingen_2025.csv", []byte(csv))
	if status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", status, answer)
	}
	var a struct {
		RunID int64 `json:"run_id"`
	}
	json.Unmarshal([]byte(answer), &a)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/runs/%d", base, a.RunID), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(b), `"status":"ok"`) && strings.Contains(string(b), `"status":"loaded"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %d did not load the upload: %s", a.RunID, b)
		}
	}
	if status, answer := upload("verzuimmeldingen_groot.csv", bytes.Repeat([]byte("x"), 5000)); status != http.StatusRequestEntityTooLarge || !strings.Contains(answer, "4 KiB") {
		t.Errorf("over the configured cap: %d %s; want 413 naming 4 KiB", status, answer)
	}
}
