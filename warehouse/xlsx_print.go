package warehouse

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// XLSXAuthor is who every workbook of the product says made it: the bureau, not the
// library that wrote the file.
const XLSXAuthor = "Het Leerplein"

// paperA4 is the spreadsheet format's code for A4 paper.
const paperA4 = 9

// XLSXDocument is what a workbook says about itself in File > Properties: a Dutch title,
// the bureau as author, and the day it was made.
type XLSXDocument struct {
	Title   string // Dutch: "Jaarverslag Het Leerplein, schooljaar 2018-2019"
	Subject string // Dutch, optional: what the workbook holds
	// Made is when the figures were made; its day is stamped as created and modified.
	// Zero: today. A day, not a moment, so two runs on one day write the same bytes.
	Made time.Time
}

// SetXLSXDocument sets the workbook's document properties (title, subject, author,
// language, dates) and application properties to the bureau's.
func SetXLSXDocument(f *excelize.File, d XLSXDocument) error {
	made := d.Made
	if made.IsZero() {
		made = Today(time.Now())
	}
	stamp := time.Date(made.Year(), made.Month(), made.Day(), 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:          d.Title,
		Subject:        d.Subject,
		Creator:        XLSXAuthor,
		LastModifiedBy: XLSXAuthor,
		Language:       "nl-NL",
		Created:        stamp,
		Modified:       stamp,
	}); err != nil {
		return fmt.Errorf("document properties: %w", err)
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "Het Leerplein (leerplein)", Company: XLSXAuthor}); err != nil {
		return fmt.Errorf("application properties: %w", err)
	}
	return nil
}

// XLSXPrint says how one sheet prints: on A4, one page wide and as many tall as it
// needs, with its title rows on every page.
type XLSXPrint struct {
	Sheet string
	// Title is printed in the page header; the footer says the bureau and the page.
	Title string
	// Landscape for a sheet wider than a portrait page reads well at (about 100
	// characters of column width).
	Landscape bool
	// TitleRows are the rows 1 … TitleRows repeated at the top of every printed page
	// (the sheet's title and column header); at least 1.
	TitleRows int
}

// landscapeWidth is the column width (in characters) beyond which a sheet prints
// landscape: a portrait A4 page holds about this much at full size.
const landscapeWidth = 100

// WideSheet reports whether columns this wide in total (in characters) print landscape.
func WideSheet(width float64) bool { return width > landscapeWidth }

// SetXLSXPrint sets up a sheet for printing. A sheet written by a StreamWriter must be
// set up before the StreamWriter is made: it writes the fit-to-page flag at the start.
func SetXLSXPrint(f *excelize.File, p XLSXPrint) error {
	wrap := func(err error) error { return fmt.Errorf("print setup of %s: %w", p.Sheet, err) }
	orientation := "portrait"
	if p.Landscape {
		orientation = "landscape"
	}
	size, one, tall := paperA4, 1, 0 // 0 pages tall: as many as needed
	if err := f.SetPageLayout(p.Sheet, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &orientation, FitToWidth: &one, FitToHeight: &tall,
	}); err != nil {
		return wrap(err)
	}
	fit := true
	if err := f.SetSheetProps(p.Sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return wrap(err)
	}
	if err := f.SetHeaderFooter(p.Sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L" + headerText(p.Title),
		OddFooter: "&L" + XLSXAuthor + "&RPagina &P van &N",
	}); err != nil {
		return wrap(err)
	}
	rows := max(p.TitleRows, 1)
	if err := f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$1:$%d", strings.ReplaceAll(p.Sheet, "'", "''"), rows),
		Scope:    p.Sheet,
	}); err != nil {
		return wrap(err)
	}
	return nil
}

// headerText makes a title safe for a page header: '&' starts a code there, and the
// header holds at most 255 characters with its codes.
func headerText(s string) string {
	s = strings.ReplaceAll(s, "&", "&&")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:199]) + "…"
	}
	return s
}

// Font sizes of the workbooks: a note under a table is smaller than the figures.
const (
	NoteFontSize = 9
	TextFontSize = 11 // the default font's
)

// SetXLSXNote writes a long text (a table's note) in row across columns A … lastCol,
// merged and wrapped, with the row as high as the text needs: a spreadsheet does not
// grow a merged row by itself, and unwrapped the text would run off the printed page.
// width is the columns' total width in characters, fontSize the style's font size.
func SetXLSXNote(f *excelize.File, sheet string, row int, lastCol string, width float64, text string, style int, fontSize float64) error {
	first, _ := excelize.CoordinatesToCellName(1, row)
	last := fmt.Sprintf("%s%d", lastCol, row)
	if err := f.SetCellStr(sheet, first, SafeCellText(text)); err != nil {
		return err
	}
	if first != last {
		if err := f.MergeCell(sheet, first, last); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, first, last, style); err != nil {
		return err
	}
	return f.SetRowHeight(sheet, row, noteHeight(text, width, fontSize))
}

// noteHeight is the height in points of a text in fontSize wrapped in columns width
// characters wide: a column character is one of the 11-point default font, and a line
// is a third higher than its font.
func noteHeight(text string, width, fontSize float64) float64 {
	perLine := max(width*TextFontSize/fontSize*0.9, 10) // slack for word breaks
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		lines += max(1, int(math.Ceil(float64(utf8.RuneCountInString(para))/perLine)))
	}
	return math.Ceil(float64(lines)*fontSize*4/3) + 2
}

// NoteStyle is the style of a note under a table: italic, small, wrapped, at the top.
func NoteStyle() *excelize.Style {
	return &excelize.Style{Font: &excelize.Font{Italic: true, Size: NoteFontSize},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}
}
