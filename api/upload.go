package api

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// The steward's upload (POST /api/v1/jobs/{name}/files): export files go into a job's
// inbox through exactly the pickup, validation, pseudonymisation and ledger of files
// that arrive on disk. Each file is streamed to a staging directory on the inbox's file
// system (never held in memory), synced, and only once every file of the request is
// complete are they moved into the inbox, without overwriting anything, and a run of
// the job started; a refused or broken-off upload leaves nothing in the inbox.

// JobFiles is what the upload and load-again routes need of the scheduler; cmd adapts
// *etl.Scheduler (the api does not import etl). A Config.Jobs that does not implement
// it has no such routes: they answer 404 as for an unknown job.
type JobFiles interface {
	// FeedOf names the feed the loader would load a file of this name into; "" when
	// it would not take the file.
	FeedOf(file string) string
	// FeedNames lists the loader's feeds, for telling what a file name must start with.
	FeedNames() []string
	// StagingDir is the job's directory for uploads in progress: on the inbox's file
	// system and never looked into by the loader.
	StagingDir(job string) (string, error)
	// Deliver moves complete staged files into the job's inbox, all or none, and
	// starts a run that loads them at once. Errors wrap ErrJobUnknown, ErrJobRunning
	// (nothing moved) or a *FileError.
	Deliver(job string, files []StagedFile) (int64, error)
	// Rejected lists the files in the job's rejected/ directory.
	Rejected(job string) ([]RejectedFile, error)
	// Reload moves a file of rejected/ back into the inbox and starts a run; it
	// returns the name the file has in the inbox and the run id.
	Reload(job, file string) (string, int64, error)
}

// StagedFile is a complete upload in the staging directory and its name in the inbox.
type StagedFile struct {
	Path string
	Name string
}

// RejectedFile is a file waiting in a job's rejected/ directory.
type RejectedFile struct {
	Name       string
	Feed       string
	Size       int64
	RejectedAt time.Time
	Reason     string
	Replaced   bool // written to since its rejection: a corrected version
}

// FileError is a delivery refused because of one file: Err is ErrFileWaiting,
// ErrFileNotRejected or ErrFileChanging.
type FileError struct {
	Name string // a possible BSN masked
	Err  error
}

func (e *FileError) Error() string { return e.Name + ": " + e.Err.Error() }

func (e *FileError) Unwrap() error { return e.Err }

// Errors of JobFiles, in a FileError.
var (
	ErrFileWaiting     = errors.New("a file of that name is already waiting in the inbox")
	ErrFileNotRejected = errors.New("no such file in the job's rejected/")
	ErrFileChanging    = errors.New("the file was changed too recently to load it")
)

// Defaults of Config.UploadMaxBytes and Config.UploadMaxFiles.
const (
	DefaultUploadMaxBytes = 1 << 30
	DefaultUploadMaxFiles = 20
)

// uploadIdle is how long an upload may send nothing before it is cut off (the server's
// ReadTimeout does not bound an upload: a gigabyte takes longer); the answer to an
// upload has as long to be written.
const uploadIdle = time.Minute

// maxUploadName bounds a file name: the loader may add ".run123" to it in rejected/.
const maxUploadName = 200

// uploadAnswer is the JSON of a 202 to an upload.
type uploadAnswer struct {
	Job   string   `json:"job"`
	Files []string `json:"files"`
	RunID int64    `json:"run_id"`
}

// jobFiles finds the job's files interface and its JobInfo, or the answer: 404 for an
// unknown job (or none configured), 409 while a run of it goes on.
func (s *Server) jobFiles(name string) (JobFiles, JobInfo, *body, error) {
	jf, ok := s.cfg.Jobs.(JobFiles)
	if ok {
		for _, j := range s.jobList() {
			if j.Name != name {
				continue
			}
			if j.Running {
				b, err := jsonStatus(http.StatusConflict, errorBody{Error: msgRunning(name)})
				return nil, j, b, err
			}
			return jf, j, nil, nil
		}
	}
	b, err := jsonStatus(http.StatusNotFound, errorBody{Error: msgUnknown(name)})
	return nil, JobInfo{}, b, err
}

func msgUnknown(job string) string {
	return fmt.Sprintf("job %s bestaat niet; GET /api/v1/jobs noemt de jobs", job)
}

func msgRunning(job string) string {
	return fmt.Sprintf("er loopt al een laadronde van job %s; probeer het opnieuw als die klaar is", job)
}

// uploadRefused is a 4xx answer to an upload, about the form field file.
func uploadRefused(status int, format string, args ...any) (*body, error) {
	return jsonStatus(status, errorBody{Error: fmt.Sprintf(format, args...), Parameter: "file"})
}

// uploadFiles is POST /api/v1/jobs/{name}/files: 202 with the accepted names and the id
// of the run that loads them.
func (s *Server) uploadFiles(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	name := c.Param("name")
	jf, job, refused, err := s.jobFiles(name)
	if refused != nil || err != nil {
		return refused, err
	}
	rc := http.NewResponseController(c.Writer)
	defer func() { _ = rc.SetWriteDeadline(time.Now().Add(uploadIdle)) }()
	maxFile, maxFiles := s.cfg.UploadMaxBytes, s.cfg.UploadMaxFiles
	const slack = 64 << 10 // part headers and boundaries
	in := &readerOf{r: http.MaxBytesReader(c.Writer, &idleReader{ReadCloser: c.Request.Body, rc: rc},
		int64(maxFiles)*(maxFile+slack)+slack)}
	c.Request.Body = io.NopCloser(in) // the server closes the request's own body
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return uploadRefused(http.StatusBadRequest, "stuur de bestanden als multipart/form-data, elk in het veld file")
	}
	dir, err := jf.StagingDir(name)
	if err != nil {
		return nil, fmt.Errorf("api: upload to %q: %w", name, err)
	}
	var staged []StagedFile
	delivered := false
	defer func() {
		if !delivered {
			for _, f := range staged {
				os.Remove(f.Path)
			}
		}
	}()
	var total int64
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.uploadBroken(c, name, &readError{err}, in.err)
		}
		if part.FormName() != "file" {
			return uploadRefused(http.StatusBadRequest, "onbekend veld %q; stuur elk bestand in het veld file", truncate(bsnmask.Mask(part.FormName()), 40))
		}
		file, msg := s.checkUploadName(jf, part)
		if msg != "" {
			return uploadRefused(http.StatusBadRequest, "%s", msg)
		}
		for _, f := range staged {
			if f.Name == file {
				return uploadRefused(http.StatusBadRequest, "%s staat twee keer in deze upload; stuur elk bestand één keer", quoteName(file))
			}
		}
		if len(staged) == maxFiles {
			return uploadRefused(http.StatusBadRequest, "stuur ten hoogste %d bestanden per keer", maxFiles)
		}
		if _, err := os.Lstat(filepath.Join(job.Inbox, file)); err == nil {
			return uploadRefused(http.StatusConflict, "%s", msgWaiting(file, name))
		}
		f, n, err := receive(dir, part, maxFile)
		if f != "" {
			staged = append(staged, StagedFile{Path: f, Name: file})
		}
		switch {
		case errors.Is(err, errTooLarge):
			return uploadRefused(http.StatusRequestEntityTooLarge, "%s is groter dan %s, de grens per bestand; er is niets van opgeslagen", quoteName(file), sizeNL(maxFile))
		case err != nil:
			return s.uploadBroken(c, name, err, in.err)
		}
		total += n
	}
	if len(staged) == 0 {
		return uploadRefused(http.StatusBadRequest, "geen bestand ontvangen; stuur een of meer exportbestanden in het veld file")
	}
	id, err := jf.Deliver(name, staged)
	var fe *FileError
	switch {
	case errors.Is(err, ErrJobRunning):
		return jsonStatus(http.StatusConflict, errorBody{Error: msgRunning(name)})
	case errors.Is(err, ErrJobUnknown):
		return jsonStatus(http.StatusNotFound, errorBody{Error: msgUnknown(name)})
	case errors.As(err, &fe) && errors.Is(err, ErrFileWaiting):
		return uploadRefused(http.StatusConflict, "%s", msgWaiting(fe.Name, name))
	case err != nil:
		return nil, fmt.Errorf("api: upload to %q: %w", name, err)
	}
	delivered = true
	out := uploadAnswer{Job: name, RunID: id}
	for _, f := range staged {
		out.Files = append(out.Files, f.Name)
	}
	s.log.Info("files uploaded; run started", "job", name, "run_id", id, "files", len(staged), "bytes", total,
		"caller", c.GetString(ctxCaller))
	return jsonStatus(http.StatusAccepted, out)
}

func msgWaiting(file, job string) string {
	return fmt.Sprintf("%s ligt al in de inbox van job %s en wordt bij de volgende laadronde geladen; een upload overschrijft het niet. Wacht tot die ronde klaar is, of geef het bestand een andere naam",
		quoteName(file), job)
}

// uploadBroken answers an upload that could not be read or kept. bodyErr is the
// failure reading the request body, if any: over the request's bound (413), or broken
// off — the client went away — (400, which that client never reads). A *readError
// without one is a body that is no proper multipart (400); anything else failed writing
// the staged file: the disk full (507), or another failure (500). The staged files are
// removed by the caller.
func (s *Server) uploadBroken(c *gin.Context, job string, err, bodyErr error) (*body, error) {
	var mbe *http.MaxBytesError
	var re *readError
	switch {
	case errors.As(bodyErr, &mbe):
		return uploadRefused(http.StatusRequestEntityTooLarge, "de upload is groter dan %d bestanden van ten hoogste %s; stuur minder of kleinere bestanden",
			s.cfg.UploadMaxFiles, sizeNL(s.cfg.UploadMaxBytes))
	case bodyErr != nil:
		s.log.Info("upload broken off; nothing of it kept", "job", job, "caller", c.GetString(ctxCaller), "error", bsnmask.Mask(bodyErr.Error()))
		return uploadRefused(http.StatusBadRequest, "de upload is afgebroken voordat alles binnen was; er is niets van bewaard. Stuur de bestanden opnieuw")
	case errors.As(err, &re):
		return uploadRefused(http.StatusBadRequest, "de upload is geen geldige multipart/form-data (%s); er is niets van bewaard", truncate(bsnmask.Mask(re.err.Error()), 120))
	case errors.Is(err, syscall.ENOSPC):
		s.log.Error("upload: disk full", "job", job, "error", err)
		return jsonStatus(http.StatusInsufficientStorage, errorBody{Error: "de schijf van de server is vol; er is niets van de upload bewaard. Waarschuw de beheerder van de server"})
	}
	return nil, fmt.Errorf("api: upload to %q: %w", job, err) // writing the staged file: 500
}

// checkUploadName reads a part's file name as the client sent it (multipart.Part's
// FileName drops any directory, which hides a "../x.csv") and checks it: the answer is
// the name, or why it is refused, in Dutch.
func (s *Server) checkUploadName(jf JobFiles, part *multipart.Part) (string, string) {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	raw, ok := params["filename"]
	switch {
	case err != nil || !ok || raw == "":
		return "", "een bestand zonder naam; stuur elk bestand onder de naam van de export (bijvoorbeeld verzuimmeldingen_2025-2026.csv)"
	case !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }):
		return "", "de bestandsnaam bevat tekens die niet zijn toegestaan (stuur- of opmaaktekens); geef het bestand een gewone naam"
	case strings.ContainsAny(raw, `/\`) || strings.Contains(raw, ".."):
		return "", fmt.Sprintf("de bestandsnaam %s bevat een pad; stuur alleen de naam van het bestand, zonder map", quoteName(raw))
	case len(raw) > maxUploadName:
		return "", fmt.Sprintf("de bestandsnaam is langer dan %d tekens; geef het bestand een kortere naam", maxUploadName)
	case bsnmask.Contains(raw):
		return "", fmt.Sprintf("de bestandsnaam %s bevat een getal dat een BSN kan zijn, en een BSN hoort nergens in een bestandsnaam; noem het bestand anders (een datum als 2025-10-01 mag)", quoteName(raw))
	case jf.FeedOf(raw) == "":
		return "", fmt.Sprintf("%s is geen exportbestand dat de lader herkent: de naam begint met een feed (%s) en eindigt op .csv, .xlsx of .parquet",
			quoteName(raw), strings.Join(jf.FeedNames(), ", "))
	}
	return raw, ""
}

// quoteName quotes a file name for a message, every possible BSN in it masked.
func quoteName(name string) string { return "'" + bsnmask.Mask(name) + "'" }

// errTooLarge is a file over Config.UploadMaxBytes.
var errTooLarge = errors.New("file over the upload limit")

// readError is a failure to read the request body (the client), as opposed to one to
// write the staged file (the server's disk).
type readError struct{ err error }

func (e *readError) Error() string { return "read the upload: " + e.err.Error() }

func (e *readError) Unwrap() error { return e.err }

// readerOf remembers a reader's first failure.
type readerOf struct {
	r   io.Reader
	err error
}

func (r *readerOf) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && r.err == nil {
		r.err = err
	}
	return n, err
}

// receive streams one part into a new file of dir, at most max bytes, and syncs it. It
// returns the file's path whenever it created one (the caller removes it unless it is
// delivered), the bytes written, and errTooLarge, a *readError or a write error.
func receive(dir string, part io.Reader, max int64) (string, int64, error) {
	path := filepath.Join(dir, "upload-"+rand.Text()+".part")
	// O_EXCL with O_NOFOLLOW: never through a link or over an existing file.
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return "", 0, fmt.Errorf("api: staged file exists: %w", err)
		}
		return "", 0, err
	}
	in := &readerOf{r: io.LimitReader(part, max+1)}
	n, err := io.Copy(fh, in)
	switch {
	case in.err != nil:
		err = &readError{in.err}
	case err == nil && n > max:
		err = errTooLarge
	case err == nil:
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return path, n, err
}

// idleReader moves the connection's read deadline on while data arrives, so an upload
// is cut off after uploadIdle without data, however long it takes as a whole.
type idleReader struct {
	io.ReadCloser
	rc   *http.ResponseController
	next time.Time
}

func (r *idleReader) Read(p []byte) (int, error) {
	if now := time.Now(); now.After(r.next) {
		_ = r.rc.SetReadDeadline(now.Add(uploadIdle))
		r.next = now.Add(uploadIdle / 4)
	}
	return r.ReadCloser.Read(p)
}

// sizeNL writes a byte count for the steward: 1 GiB, 512 MiB, 300 KiB, 10 bytes.
func sizeNL(n int64) string {
	for _, u := range []struct {
		unit string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size {
			if n%u.size == 0 {
				return fmt.Sprintf("%d %s", n/u.size, u.unit)
			}
			return strings.Replace(fmt.Sprintf("%.1f %s", float64(n)/float64(u.size), u.unit), ".", ",", 1)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
