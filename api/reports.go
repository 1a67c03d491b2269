package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/render"
)

// Content types of the report and export downloads.
const (
	contentCSV  = "text/csv; charset=utf-8"
	contentXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	contentText = "text/plain; charset=utf-8"
)

// getJaarverslag serves tables 1 to 9 of the annual report, exact or protected for
// publication (openbaar, drempel), byte for byte what `leerplein report jaarverslag`
// writes (role analist): the CLI reaches it when a running server holds the warehouse.
// format=toelichting is the note the CLI writes beside a protected CSV.
func (s *Server) getJaarverslag(c *gin.Context) (any, error) {
	if err := onlyParams(c, "schooljaar", "format", "openbaar", "drempel"); err != nil {
		return nil, err
	}
	sj, format, err := reportParams(c, "csv", "xlsx", "toelichting")
	if err != nil {
		return nil, err
	}
	openbaar, drempel, err := publicParams(c)
	if err != nil {
		return nil, err
	}
	if format == "toelichting" && !openbaar {
		return nil, badParam("format", "toelichting goes with openbaar=true; the exact report has no note")
	}
	d := 0 // exact
	if openbaar {
		d = drempel
	}
	report, err := render.NewJaarverslag(c.Request.Context(), s.db, sj, d)
	if err != nil {
		return nil, schooljaarError(err)
	}
	file := fileName("jaarverslag", sj, openbaar)
	write := report.WriteCSV
	switch format {
	case "xlsx":
		write = report.WriteXLSX
	case "toelichting":
		write = report.WriteToelichting
	}
	return download(c, file, format, write)
}

// getExport serves a figure export (leerplichttelling, vsv), exact or protected for
// publication (openbaar, drempel), as `leerplein export NAME` writes it (role
// analist). format=toelichting is the note the CLI writes beside a CSV.
func (s *Server) getExport(c *gin.Context) (any, error) {
	if err := onlyParams(c, "schooljaar", "format", "openbaar", "drempel"); err != nil {
		return nil, err
	}
	name := c.Param("name")
	if !slices.Contains(warehouse.FigureExports, name) {
		return nil, fmt.Errorf("api: export %q: %w", name, errNotFound)
	}
	sj, format, err := reportParams(c, "csv", "xlsx", "toelichting")
	if err != nil {
		return nil, err
	}
	openbaar, drempel, err := publicParams(c)
	if err != nil {
		return nil, err
	}
	export, err := s.db.FigureExport(c.Request.Context(), name, sj)
	if err != nil {
		return nil, schooljaarError(err)
	}
	if openbaar {
		if err := export.Protect(drempel); err != nil {
			return nil, err
		}
	}
	write := export.WriteCSV
	switch format {
	case "xlsx":
		write = export.WriteXLSX
	case "toelichting":
		write = export.WriteToelichting
	}
	return download(c, fileName(name, sj, openbaar), format, write)
}

// reportParams reads the required schooljaar and the format (default: the first of
// formats).
func reportParams(c *gin.Context, formats ...string) (schooljaar, format string, err error) {
	schooljaar = c.Query("schooljaar")
	if schooljaar == "" {
		return "", "", badParam("schooljaar", "missing; give a school year, e.g. schooljaar=2018-2019")
	}
	if err := warehouse.ValidateSchooljaar(schooljaar); err != nil {
		return "", "", badParam("schooljaar", "%v", err)
	}
	format = c.DefaultQuery("format", formats[0])
	for _, f := range formats {
		if f == format {
			return schooljaar, format, nil
		}
	}
	return "", "", badParam("format", "%q is not a format of this resource; use %v", format, formats)
}

// publicParams reads openbaar (default false) and drempel (default 5, only with
// openbaar), as the CLI's --openbaar and --drempel.
func publicParams(c *gin.Context) (openbaar bool, drempel int, err error) {
	if v, set := c.GetQuery("openbaar"); set {
		if openbaar, err = strconv.ParseBool(v); err != nil {
			return false, 0, badParam("openbaar", "use true or false")
		}
	}
	drempel = 5
	if v, set := c.GetQuery("drempel"); set {
		if !openbaar {
			return false, 0, badParam("drempel", "applies to openbaar=true only; without it the figures are exact")
		}
		if drempel, err = strconv.Atoi(v); err != nil || drempel < 2 {
			return false, 0, badParam("drempel", "use a whole number, 2 or more")
		}
	}
	return openbaar, drempel, nil
}

// fileName is the download's name without extension: jaarverslag_2018-2019_openbaar.
func fileName(name, schooljaar string, openbaar bool) string {
	if openbaar {
		return name + "_" + schooljaar + "_openbaar"
	}
	return name + "_" + schooljaar
}

// schooljaarError turns a school year the warehouse does not know into a 400.
func schooljaarError(err error) error {
	if errors.Is(err, warehouse.ErrInvalidSchooljaar) {
		return &paramError{param: "schooljaar", msg: err.Error()}
	}
	return err
}

// download renders into memory, so a failure is a clean error response and never half
// a file, and answers it as an attachment named file.<format>.
func download(c *gin.Context, file, format string, write func(io.Writer) error) (*body, error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return nil, err
	}
	ct, ext := contentCSV, "csv"
	switch format {
	case "xlsx":
		ct, ext = contentXLSX, "xlsx"
	case "toelichting":
		ct, ext = contentText, "toelichting.txt"
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, file, ext))
	return &body{contentType: ct, data: buf.Bytes(), private: true}, nil
}
