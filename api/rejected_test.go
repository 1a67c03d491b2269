package api

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// reloadAnswer is the JSON of a 202 to a load-again.
type reloadAnswer struct {
	Job   string `json:"job"`
	File  string `json:"file"`
	RunID int64  `json:"run_id"`
}

// TestLoadAgain walks the steward's two ways to load a rejected file again, through
// HTTP over a real scheduler: upload the corrected file under the same name, or replace
// it in rejected/ and ask for it to be loaded again. Each earlier rejection stays in
// the ledger's history.
func TestLoadAgain(t *testing.T) {
	const stable = time.Second
	f := newUploadFixture(t, Config{}, stable)
	check := openAPIChecker(t)
	base := "/api/v1/jobs/" + uploadJob
	reload := func(t *testing.T, file string) (*http.Response, string) {
		t.Helper()
		path := base + "/rejected/" + file + "/reload"
		res, body := f.post(path, "beheer", "", nil, nil)
		if !strings.Contains(file, "%2F") { // an escaped slash matches no route of the document either
			check(t, scenario{method: http.MethodPost, path: path}, f.ts.URL, res, []byte(body))
		}
		return res, body
	}
	listed := func(t *testing.T) rejectedJSON {
		t.Helper()
		res, body := f.get(base+"/rejected", "beheer")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET rejected: %d %s", res.StatusCode, body)
		}
		check(t, scenario{path: base + "/rejected"}, f.ts.URL, res, []byte(body))
		var out rejectedJSON
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	const name = "verzuimmeldingen_2025.csv"
	res, body := f.upload(filePart(name, brokenCSV()))
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	first := uploadAnswerOf(t, body).RunID
	if got := f.finished(first); !slices.Equal(got, []string{name + " rejected"}) {
		t.Fatalf("run %d: got %v, want the file rejected", first, got)
	}
	l := listed(t)
	if len(l.Files) != 1 || l.Files[0].Name != name || l.Files[0].Feed != "verzuimmeldingen" || l.Files[0].Replaced ||
		!strings.Contains(l.Files[0].Reason, "'bsn'") {
		t.Fatalf("rejected: got %+v, want %s with its reason", l, name)
	}

	t.Run("load again unchanged: rejected again, both in the history", func(t *testing.T) {
		res, body := reload(t, name)
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("reload: %d %s", res.StatusCode, body)
		}
		var a reloadAnswer
		json.Unmarshal([]byte(body), &a)
		if a.File != name || a.Job != uploadJob {
			t.Errorf("answer: got %+v", a)
		}
		if got := f.finished(a.RunID); !slices.Equal(got, []string{name + " rejected"}) {
			t.Errorf("run %d: got %v", a.RunID, got)
		}
		if got := f.ledger("file_name = ?", name); !slices.Equal(got, []string{name + " rejected", name + " rejected"}) {
			t.Errorf("history: got %v, want two rejections", got)
		}
	})

	t.Run("upload the corrected file under its name", func(t *testing.T) {
		res, body := f.upload(filePart(name, verzuimCSV("v", 4)))
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("upload beside the rejected copy: %d %s", res.StatusCode, body)
		}
		id := uploadAnswerOf(t, body).RunID
		if got := f.finished(id); !slices.Equal(got, []string{name + " loaded"}) {
			t.Errorf("run %d: got %v, want the corrected file loaded", id, got)
		}
		if got := f.ledger("file_name = ?", name); !slices.Equal(got, []string{name + " rejected", name + " rejected", name + " loaded"}) {
			t.Errorf("history: got %v, want the rejections kept", got)
		}
	})

	t.Run("replace it on disk, then load again", func(t *testing.T) {
		const other = "verzuimmeldingen_2026.csv"
		res, body := f.upload(filePart(other, brokenCSV()))
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("upload: %d %s", res.StatusCode, body)
		}
		f.finished(uploadAnswerOf(t, body).RunID)
		if err := os.WriteFile(filepath.Join(f.inbox, "rejected", other), verzuimCSV("w", 3), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, rf := range listed(t).Files {
			if rf.Name == other && !rf.Replaced {
				t.Errorf("%s: not marked replaced", other)
			}
		}
		res, body = reload(t, other)
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "net gewijzigd") {
			t.Errorf("reload at once: %d %s; want 409 (it may still be being copied)", res.StatusCode, body)
		}
		time.Sleep(stable)
		res, body = reload(t, other)
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("reload once stable: %d %s", res.StatusCode, body)
		}
		var a reloadAnswer
		json.Unmarshal([]byte(body), &a)
		if got := f.finished(a.RunID); !slices.Equal(got, []string{other + " loaded"}) {
			t.Errorf("run %d: got %v, want the replaced file loaded", a.RunID, got)
		}
		if got := f.ledger("file_name = ?", other); !slices.Equal(got, []string{other + " rejected", other + " loaded"}) {
			t.Errorf("history: got %v", got)
		}
		for _, rf := range listed(t).Files {
			if rf.Name == other {
				t.Errorf("%s still listed as rejected after it loaded", other)
			}
		}
	})

	t.Run("refusals", func(t *testing.T) {
		// The first file's rejected copy is still there; a file of its name waits.
		if err := os.WriteFile(filepath.Join(f.inbox, name), []byte("wacht"), 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(filepath.Join(f.inbox, name))
		for _, tc := range []struct {
			file   string
			status int
			says   string
		}{
			{name, 409, "overschrijft het niet"},
			{"verzuimmeldingen_nooit.csv", 404, "ligt niet (meer) bij de geweigerde bestanden"},
			{"..%2Frejected%2F" + name, 404, ""},
			{"notities.txt", 404, "ligt niet"},
		} {
			res, body := reload(t, tc.file)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.says) {
				t.Errorf("reload %s: %d %s; want %d saying %q", tc.file, res.StatusCode, body, tc.status, tc.says)
			}
		}
		if got := listed(t); len(got.Files) != 1 || got.Files[0].Name != name {
			t.Errorf("rejected after the refusals: got %+v, want the one copy still there", got)
		}
	})
}
