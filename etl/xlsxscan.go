package etl

import (
	"bytes"
	"unicode/utf8"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// maxIndexBytes is the longest text of a shared-string cell's <v> taken as an index;
// a longer one (leading zeros) counts as the longest shared string.
const maxIndexBytes = 64

// minCellBytes is the most text a cell with a short value can become: a number shows
// up to 15 significant digits with a sign, a point and an exponent, a date ten
// characters. Rows and sheets count each cell with a value as at least this long.
const minCellBytes = 24

// scanState is where an xmlScan is in the markup.
type scanState uint8

const (
	inText    scanState = iota
	afterLT             // just read '<'
	inTag               // a start or end tag
	afterBang           // "<!": a comment or CDATA section follows
	inComment           // "<!-- … -->"
	inCDATA             // "<![CDATA[ … ]]>": text
	inPI                // "<? … ?>"
)

// xmlScan measures one XML part of a workbook as it streams past, holding no more than
// one tag: the length of every text (a cell's or shared string's text together), tags,
// comments and nesting; for worksheets the text of every row, with shared strings
// counted at their length, and of the whole sheet; for the shared strings table their
// number and each one's length. It follows XML only as far as these need: a part it
// misreads is one excelize refuses as well.
type xmlScan struct {
	name string
	kind partKind
	w    *workbookScan
	lim  *Limits

	state      scanState
	tag        []byte // the current tag, comment or PI, after '<'
	quote      byte   // the quote an attribute value in the tag is in, or 0
	prev       [2]byte
	markupLen  int64
	depth      int
	runChars   int64 // characters of the current text outside cells and shared strings
	roots      int   // root elements so far: XML has one
	cellRef    []byte
	inCell     bool
	cellDepth  int  // depth of the cell element
	cellShared bool // a t="s" cell: its <v> is an index into the shared strings
	cellChars  int64
	cellBytes  int64
	// cellElements counts the elements in the current cell or shared string.
	cellElements int64
	inV          bool
	vDepth       int
	vText        []byte // the text of the current <v>, up to maxIndexBytes
	vOdd         bool   // the <v> holds markup or more text than an index
	vCost        int64  // most a <v> of the current shared-string cell can show
	row          int64
	rowCells     int64
	rowBytes     int64
	sheetBytes   int64
	inSI         bool
	lengths      []uint32 // shared strings table: unpacked size of each text
	longest      uint32   // shared strings table: the longest
}

func newXMLScan(name string, kind partKind, w *workbookScan) *xmlScan {
	return &xmlScan{name: name, kind: kind, w: w, lim: &w.lim}
}

// feed scans the next bytes of the part.
func (s *xmlScan) feed(b []byte) error {
	for len(b) > 0 {
		switch s.state {
		case inText:
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				i = len(b)
			}
			if err := s.text(b[:i], true); err != nil {
				return err
			}
			if i < len(b) {
				s.state = afterLT
				i++
			}
			b = b[i:]
		case afterLT:
			s.tag, s.quote, s.markupLen, s.prev = s.tag[:0], 0, 0, [2]byte{}
			switch b[0] {
			case '!':
				s.state = afterBang
			case '?':
				s.state = inPI
				s.vOdd = s.vOdd || s.inV
			default:
				s.state = inTag
				continue
			}
			b = b[1:]
		case inTag:
			n, done := s.tagBytes(b)
			if len(s.tag) > maxXMLMarkupBytes {
				return reject(tekst.XLSXTagLang, s.name, dutchSize(maxXMLMarkupBytes))
			}
			b = b[n:]
			if done {
				s.state = inText
				if err := s.element(); err != nil {
					return err
				}
			}
		case afterBang:
			s.vOdd = s.vOdd || s.inV // a comment or CDATA section in a <v>
			s.tag = append(s.tag, b[0])
			b = b[1:]
			switch {
			case string(s.tag) == "--":
				s.state = inComment
			case string(s.tag) == "[CDATA[":
				s.state = inCDATA
			case !bytes.HasPrefix([]byte("--"), s.tag) && !bytes.HasPrefix([]byte("[CDATA["), s.tag):
				return reject(tekst.XLSXDoctype, s.name)
			}
		case inComment, inPI, inCDATA:
			n, done := s.untilEnd(b)
			if s.state == inCDATA {
				if err := s.text(b[:n], false); err != nil {
					return err
				}
			} else if s.markupLen += int64(n); s.markupLen > maxXMLMarkupBytes {
				return reject(tekst.XLSXCommentaarLang, s.name, dutchSize(maxXMLMarkupBytes))
			}
			b = b[n:]
			if done {
				s.state = inText
			}
		}
	}
	return nil
}

// tagBytes adds the bytes of b that belong to the current tag to s.tag and returns
// how many it took and whether the tag ended ('>' outside quotes, not kept).
func (s *xmlScan) tagBytes(b []byte) (int, bool) {
	for i := 0; i < len(b); {
		if s.quote != 0 {
			j := bytes.IndexByte(b[i:], s.quote)
			if j < 0 {
				s.tag = append(s.tag, b[i:]...)
				return len(b), false
			}
			s.tag = append(s.tag, b[i:i+j+1]...)
			s.quote = 0
			i += j + 1
			continue
		}
		j := bytes.IndexAny(b[i:], `>"'`)
		if j < 0 {
			s.tag = append(s.tag, b[i:]...)
			return len(b), false
		}
		c := b[i+j]
		if c == '>' {
			s.tag = append(s.tag, b[i:i+j]...)
			return i + j + 1, true
		}
		s.tag = append(s.tag, b[i:i+j+1]...)
		s.quote = c
		i += j + 1
	}
	return len(b), false
}

// untilEnd finds the end of a comment ("-->"), CDATA section ("]]>") or processing
// instruction ("?>") in b; it returns the bytes before the end marker's last byte (or
// all of b) and whether the end was found, in which case the marker is consumed too.
func (s *xmlScan) untilEnd(b []byte) (int, bool) {
	for i, c := range b {
		ended := false
		switch s.state {
		case inComment:
			ended = c == '>' && s.prev == [2]byte{'-', '-'}
		case inCDATA:
			ended = c == '>' && s.prev == [2]byte{']', ']'}
		case inPI:
			ended = c == '>' && s.prev[1] == '?'
		}
		if ended {
			return i + 1, true
		}
		s.prev = [2]byte{s.prev[1], c}
	}
	return len(b), false
}

// text accounts for text: a cell's, a shared string's, or text elsewhere. markup tells
// whether entities (&amp;) can occur in it, which count as one character.
func (s *xmlScan) text(b []byte, entities bool) error {
	if len(b) == 0 {
		return nil
	}
	chars := int64(xmlChars(b, entities))
	switch {
	case s.inSI:
		s.cellChars += chars
		s.cellBytes += int64(len(b))
		if s.cellChars > s.lim.CellChars {
			return reject(tekst.XLSXGedeeldeTekstLang, len(s.lengths)+1, s.lim.CellChars)
		}
	case s.inCell:
		s.cellChars += chars
		s.cellBytes += int64(len(b))
		if s.inV {
			s.vOdd = s.vOdd || !entities || len(s.vText)+len(b) > maxIndexBytes
			if !s.vOdd {
				s.vText = append(s.vText, b...)
			}
		}
		if s.cellChars > s.lim.CellChars {
			return reject(tekst.XLSXCelLang, string(s.cellRef), s.row, s.lim.CellChars)
		}
	default:
		s.runChars += chars
		if s.runChars > s.lim.CellChars {
			return reject(tekst.XLSXTekstLang, s.name, s.lim.CellChars)
		}
	}
	return nil
}

// xmlChars counts the characters in a piece of XML text: UTF-8 sequences, with an
// entity reference (&amp;, &#233;) as one; an entity cut off at the end of b counts
// each of its bytes, which only ever overcounts.
func xmlChars(b []byte, entities bool) int {
	n := utf8.RuneCount(b)
	if !entities {
		return n
	}
	for i := bytes.IndexByte(b, '&'); i >= 0; {
		end := bytes.IndexByte(b[i:min(len(b), i+12)], ';')
		if end < 0 {
			end = 1
		} else {
			n -= end // "&amp;" is 5 runes and one character
		}
		j := bytes.IndexByte(b[i+end:], '&')
		if j < 0 {
			break
		}
		i += end + j
	}
	return n
}
