package etl

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// absPath matches an absolute path after a start, a space, a quote, '=' or '(': where
// DuckDB and the operating system put the paths in their errors. "dd/mm/jjjj" or
// "2017/2018" do not start a path.
var absPath = regexp.MustCompile(`(^|[\s"'=(])(/[^\s"'<>|;,()]*)`)

// stewardMessage makes the reason a file was rejected fit for the people who read it —
// the steward in the ledger, the API and the .reason.txt beside the file: every
// parameter goes through stewardReason (an error of DuckDB or the file system is one).
func stewardMessage(m tekst.Message, in inboxFile) tekst.Message {
	out := tekst.Message{Code: m.Code}
	for _, p := range m.Params {
		out.Params = append(out.Params, stewardReason(p, in))
	}
	return out
}

// stewardReason makes a text of a rejection fit for the people who read it: the file
// is named by its base name, no path of the server shows (the inbox, temporary copies,
// the paths in DuckDB's errors, the loader's SQL it quotes), and every possible BSN — in
// a header or a value the text quotes — is masked.
func stewardReason(reason string, in inboxFile) string {
	// DuckDB adds the loader's SQL around the error's position: not for the steward.
	if i := strings.Index(reason, "\n\nLINE "); i >= 0 {
		reason = reason[:i]
	}
	name := bsnmask.Mask(in.name)
	for _, p := range []string{in.path, filepath.Clean(in.path)} {
		if p != "" {
			reason = strings.ReplaceAll(reason, p, name)
		}
	}
	reason = absPath.ReplaceAllStringFunc(reason, func(m string) string {
		sub := absPath.FindStringSubmatch(m)
		base := filepath.Base(sub[2])
		if base == "/" || base == "." {
			base = ""
		}
		if strings.HasPrefix(sub[2], os.TempDir()) && strings.HasPrefix(base, "leerplein-") {
			base = name // the loader's own copy of the file
		}
		return sub[1] + base
	})
	return bsnmask.Mask(reason)
}
