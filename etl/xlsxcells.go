package etl

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// element handles a tag that just ended: it keeps the nesting and hands the element's
// local name (excelize matches local names, whatever the namespace prefix) to start
// and end with its depth (the root is 1).
func (s *xmlScan) element() error {
	t := s.tag
	s.runChars = 0
	closing := len(t) > 0 && t[0] == '/'
	if closing {
		t = t[1:]
	}
	selfClosing := len(t) > 0 && t[len(t)-1] == '/'
	name := t
	if i := bytes.IndexAny(name, " \t\r\n/"); i >= 0 {
		name = name[:i]
	}
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	if closing {
		s.depth--
		return s.end(name, s.depth+1)
	}
	depth := s.depth + 1
	if depth == 1 {
		if s.roots++; s.roots > 1 {
			return reject(tekst.XLSXXMLOngeldig, s.name)
		}
	}
	if s.kind == partOther {
		if s.w.elements++; s.w.elements > s.lim.XLSXOtherElements {
			return reject(tekst.XLSXOpmaakElementen, s.lim.XLSXOtherElements)
		}
	}
	if !selfClosing {
		if s.depth++; s.depth > maxXMLDepth {
			return reject(tekst.XLSXTeDiep, s.name, maxXMLDepth)
		}
	}
	if err := s.start(name, t, depth); err != nil {
		return err
	}
	if selfClosing {
		return s.end(name, depth)
	}
	return nil
}

// start handles the start of an element. It follows what excelize reads: a row is
// everything from one <row> to the next (excelize does not stop at </row>), a cell is
// a <c> with what is inside it (a <c> in a <c> is part of it), its value the <v>
// directly in it, and a shared string a <si> directly in the root.
func (s *xmlScan) start(name, tag []byte, depth int) error {
	s.vOdd = s.vOdd || s.inV // an element in a <v>
	if s.inCell || s.inSI {
		// excelize decodes a cell or shared string whole: rich-text runs without text
		// would cost memory that no character count sees. A run per character, with
		// its formatting, takes about eight elements.
		if s.cellElements++; s.cellElements > 8*s.lim.CellChars {
			return reject(tekst.XLSXCelDelen, s.name, 8*s.lim.CellChars)
		}
	}
	if s.kind == partSharedStrings {
		if string(name) != "si" {
			return nil
		}
		if depth != 2 || s.inSI {
			return reject(tekst.XLSXGedeeldOpbouw, depth)
		}
		if int64(len(s.lengths)) >= s.lim.XLSXSharedStrings {
			return reject(tekst.XLSXGedeeldAantal, s.lim.XLSXSharedStrings)
		}
		s.inSI, s.cellChars, s.cellBytes, s.cellElements = true, 0, 0, 0
		return nil
	}
	switch string(name) {
	case "row":
		s.row, s.rowCells, s.rowBytes = s.row+1, 0, 0
		if r, err := strconv.ParseInt(string(attr(tag, "r")), 10, 64); err == nil {
			s.row = r
		}
	case "c":
		if s.inCell {
			return nil
		}
		s.inCell, s.cellDepth, s.cellChars, s.cellBytes, s.cellElements, s.vCost = true, depth, 0, 0, 0, 0
		s.cellShared = hasAttrValue(tag, "t", "s")
		s.cellRef = append(s.cellRef[:0], attr(tag, "r")...)
		if len(s.cellRef) == 0 || len(s.cellRef) > 12 || !utf8.Valid(s.cellRef) {
			s.cellRef = append(s.cellRef[:0], '?')
		}
		if s.rowCells++; s.rowCells > maxRowCells {
			return reject(tekst.XLSXRijCellen, s.row, maxRowCells)
		}
	case "v":
		if s.inCell && !s.inV && depth == s.cellDepth+1 {
			s.inV, s.vDepth, s.vText, s.vOdd = true, depth, s.vText[:0], false
		}
	}
	return nil
}

// end handles the end of an element.
func (s *xmlScan) end(name []byte, depth int) error {
	switch {
	case s.kind == partSharedStrings:
		if string(name) == "si" && s.inSI && depth == 2 {
			s.inSI = false
			n := uint32(min(s.cellBytes, math.MaxUint32))
			s.lengths = append(s.lengths, n)
			s.longest = max(s.longest, n)
		}
	case string(name) == "v" && s.inV && depth == s.vDepth:
		s.inV = false
		if s.cellShared {
			s.vCost = max(s.vCost, s.sharedCost())
		}
	case string(name) == "c" && s.inCell && depth == s.cellDepth:
		s.inCell = false
		size := s.cellBytes + s.vCost
		if size > 0 {
			size = max(size, minCellBytes) // "1" in a date cell reads as 1900-01-01
		}
		s.sheetBytes += size
		if s.sheetBytes > s.lim.XLSXSheetBytes {
			return reject(tekst.XLSXWerkbladTekst, s.name, dutchSize(s.lim.XLSXSheetBytes))
		}
		if s.rowBytes += size; s.rowBytes > s.lim.RowBytes {
			return reject(tekst.XLSXRijTekst, s.row, dutchSize(s.lim.RowBytes))
		}
	}
	return nil
}

// sharedCost is the size of the shared string the current <v> refers to, as excelize
// reads it (strconv.Atoi of the trimmed text, 0 when that fails); a <v> with markup
// or a long text counts as the longest shared string.
func (s *xmlScan) sharedCost() int64 {
	sst := s.w.sharedStrings
	if s.vOdd {
		return int64(s.w.longest)
	}
	i, _ := strconv.Atoi(strings.TrimSpace(xmlUnescape(s.vText)))
	if i >= 0 && i < len(sst) {
		return int64(sst[i])
	}
	return 0
}

// xmlUnescape replaces the predefined entities and character references in b, as
// encoding/xml does; anything else is left as it is (encoding/xml refuses it).
func xmlUnescape(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var out strings.Builder
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		j := bytes.IndexByte(b[max(i, 0):], ';')
		if i < 0 || j < 0 {
			out.Write(b)
			break
		}
		out.Write(b[:i])
		ref := string(b[i+1 : i+j])
		b = b[i+j+1:]
		switch ref {
		case "amp":
			out.WriteByte('&')
		case "lt":
			out.WriteByte('<')
		case "gt":
			out.WriteByte('>')
		case "quot":
			out.WriteByte('"')
		case "apos":
			out.WriteByte('\'')
		default:
			var n uint64
			var err error
			if hex, ok := strings.CutPrefix(ref, "#x"); ok {
				n, err = strconv.ParseUint(hex, 16, 32)
			} else if dec, ok := strings.CutPrefix(ref, "#"); ok {
				n, err = strconv.ParseUint(dec, 10, 32)
			} else {
				err = strconv.ErrSyntax
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				out.WriteString("&" + ref + ";")
				continue
			}
			out.WriteRune(rune(n))
		}
	}
	return out.String()
}

// attrValues calls fn with the value of every attribute in a start tag (without '<')
// whose local name is name, entities replaced: encoding/xml matches attributes by
// local name, whatever their prefix.
func attrValues(tag []byte, name string, fn func(value []byte)) {
	i := bytes.IndexAny(tag, " \t\r\n")
	if i < 0 {
		return
	}
	rest := tag[i:]
	for {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		eq := bytes.IndexByte(rest, '=')
		if eq < 0 {
			return
		}
		key := bytes.TrimSpace(rest[:eq])
		if k := bytes.LastIndexByte(key, ':'); k >= 0 {
			key = key[k+1:]
		}
		rest = bytes.TrimLeft(rest[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return
		}
		if string(key) == name {
			fn(rest[1 : 1+end])
		}
		rest = rest[end+2:]
	}
}

// attr returns the value of the last attribute named name in a start tag, as written.
func attr(tag []byte, name string) []byte {
	var v []byte
	attrValues(tag, name, func(b []byte) { v = b })
	return v
}

// hasAttrValue reports whether any attribute named name in a start tag has the value
// want once its entities are replaced.
func hasAttrValue(tag []byte, name, want string) bool {
	found := false
	attrValues(tag, name, func(b []byte) { found = found || xmlUnescape(b) == want })
	return found
}
