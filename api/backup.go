package api

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// backupTimeout bounds one backup request: the copy of a large warehouse can take far
// longer than the server's usual write timeout.
const backupTimeout = time.Hour

// backupRequest is the body of POST /api/v1/backup.
type backupRequest struct {
	Out string `json:"out"`
}

// backup writes a consistent copy of the warehouse into a directory under the backup
// root (role beheer). The server writes files on its own machine, so it writes only
// where the configuration allows, and never over an earlier copy.
func (s *Server) backup(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	var req backupRequest
	if err := decodeJSONBody(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10), &req); err != nil {
		return nil, badParam("out", `the body must be JSON like {"out": "/srv/leerplein/backups/2026-11-25"}: %v`, err)
	}
	root, err := s.backupRoot()
	if err != nil {
		return nil, err
	}
	dir, err := backupTarget(root, req.Out)
	if err != nil {
		return nil, err
	}
	dst := filepath.Join(dir, warehouse.BackupName)
	if _, err := os.Lstat(dst); err == nil {
		return jsonStatus(http.StatusConflict, errorBody{Error: fmt.Sprintf(
			"%s exists already and a backup is never overwritten; choose a new directory under %s", dst, root)})
	}
	// The copy may outlast the server's write timeout; this response may wait for it.
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(backupTimeout))
	start := time.Now()
	path, err := warehouse.Backup(c.Request.Context(), s.db, dir)
	if err != nil {
		return nil, fmt.Errorf("api: backup: %w", err)
	}
	s.log.Info("backup written", "path", path, "caller", c.GetString(ctxCaller),
		"duration_ms", time.Since(start).Milliseconds())
	return map[string]string{"path": path}, nil
}

// backupRoot is the directory the server may write backups into: Config.BackupDir, or
// backups beside the warehouse file.
func (s *Server) backupRoot() (string, error) {
	root := s.cfg.BackupDir
	if root == "" {
		p := s.db.Path()
		if p == "" || p == ":memory:" {
			return "", badParam("out", "this server has no backup directory (an in-memory warehouse and no backup_dir)")
		}
		root = filepath.Join(filepath.Dir(p), "backups")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("api: backup directory %s: %w", root, err)
	}
	return abs, nil
}

// backupTarget checks that out is an absolute directory at or under root, also after
// following symbolic links, and returns it cleaned.
func backupTarget(root, out string) (string, error) {
	hint := fmt.Sprintf("give an absolute directory under the backup directory %s (backup_dir in the configuration), e.g. %s",
		root, filepath.Join(root, time.Now().Format("2006-01-02")))
	switch {
	case strings.TrimSpace(out) == "":
		return "", badParam("out", "missing; %s", hint)
	case !filepath.IsAbs(out):
		return "", badParam("out", "%q is not an absolute path; %s", out, hint)
	}
	dir := filepath.Clean(out)
	rel, err := filepath.Rel(resolveExisting(root), resolveExisting(dir))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", badParam("out", "%s is outside the backup directory; the server writes backups only there: %s", dir, hint)
	}
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return "", badParam("out", "%s is a file, not a directory; %s", dir, hint)
	}
	return dir, nil
}

// resolveExisting follows symbolic links in the part of p that exists and keeps the
// rest as written, so a link cannot lead a backup outside its root.
func resolveExisting(p string) string {
	rest := ""
	for cur := p; ; {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(real, rest)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return p
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}
