package bsnmask_test

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// Synthetic numbers that pass the eleven test: 123456782 and 111222333 (nine digits),
// 12345672 (eight, read as 012345672).
func TestMask(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"123456782", "[bsn]"},
		{"12345672", "[bsn]"},
		{"0123456782", "[bsn]"},            // leading zeros are padding
		{"00012345672", "[bsn]"},           // idem, eight significant digits
		{"1234.56.782", "[bsn]"},           // as printed on an identity card
		{"123 456 782", "[bsn]"},           // spaces
		{"123\u00a0456\u00a0782", "[bsn]"}, // Excel's no-break space
		{"123\u202f456\u202f782", "[bsn]"}, // narrow no-break space
		{"123-456-782", "[bsn]"},
		{"123 - 456 - 782", "[bsn]"},   // up to three separators between groups
		{"1 2 3 4 5 6 7 8 2", "[bsn]"}, // digit by digit
		{"123.456.782", "[bsn]"},       // Dutch thousands separators
		{"1234567.82", "[bsn]"},        // a decimal number
		{"BSN123456782x", "BSN[bsn]x"}, // glued to letters
		{"gemeente '123456782' is not a municipality", "gemeente '[bsn]' is not a municipality"},
		{"2018 123456782", "2018 [bsn]"},       // beside another number
		{"0 0 123456782", "[bsn]"},             // zeros before it are part of it
		{"123456782,111222333", "[bsn],[bsn]"}, // two BSNs in a list
		{"123,456,782", "[bsn]"},               // English thousands
		{"1234567,82", "[bsn]"},                // a Dutch decimal number
		{"-123456782", "-[bsn]"},
		{"1234 5678 2", "[bsn]"},
		{"12.345.672.000", "[bsn].000"},  // a run of groups inside a longer number
		{"123456789", "123456789"},       // fails the eleven test
		{"1234567820", "1234567820"},     // ten significant digits: no BSN
		{"123456782123", "123456782123"}, // twelve digits: no window is searched
		{"000000000", "000000000"},
		{"M000012345", "M000012345"},       // five significant digits: an id
		{"01234567", "01234567"},           // seven significant digits: never issued
		{"1234    56782", "1234    56782"}, // four separators end a number
		{"TZ2016-2017", "TZ2016-2017"},     // a school year, though 20162017 passes
		{"2016-2017", "2016-2017"},
		{"einddatum 13-01-2010 is before startdatum", "einddatum 13-01-2010 is before startdatum"},
		{"2010-01-15", "2010-01-15"},
		{"range(100000000)", "range(100000000)"},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := bsnmask.Mask(tc.in); got != tc.want {
				t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got, want := bsnmask.Contains(tc.in), tc.want != tc.in; got != want {
				t.Errorf("Contains(%q) = %v, want %v", tc.in, got, want)
			}
			if !possible(tc.in) && tc.want != tc.in {
				t.Errorf("the reference finds no BSN in %q", tc.in)
			}
		})
	}
}

// TestExemptShapes checks that the shapes left alone really pass the eleven test, so the
// cases above test the exemption and not the arithmetic.
func TestExemptShapes(t *testing.T) {
	for _, s := range []string{"20162017", "13012010", "20100115"} {
		if !eleven(s) {
			t.Errorf("%s fails the eleven test; pick another example", s)
		}
	}
	// The same digits in another shape are masked.
	for _, s := range []string{"2016.2017", "2016 2017", "1301.2010", "13-01-20-10", "13-01.2010", "2016-03-43"} {
		if got := bsnmask.Mask(s); got != bsnmask.Placeholder {
			t.Errorf("Mask(%q) = %q, want %q", s, got, bsnmask.Placeholder)
		}
	}
}

func TestPrefilter(t *testing.T) {
	re := regexp.MustCompile(bsnmask.Prefilter)
	for _, s := range []string{"123456782", "x 1234.56.782 y", "123 - 456 - 782", "00012345672"} {
		if !re.MatchString(s) {
			t.Errorf("Prefilter does not match %q, which holds a BSN", s)
		}
	}
	for _, s := range []string{"M000012345", "VM17-90001", "1234567", "GM0392"} {
		if re.MatchString(s) {
			t.Errorf("Prefilter matches %q: the SQL would call the mask for nothing", s)
		}
	}
}

// FuzzBSNMask checks Mask against a reference written from the definition: its output
// never holds a possible BSN, and it changes text only where the input held one.
func FuzzBSNMask(f *testing.F) {
	for _, s := range []string{
		"123456782", "1234.56.782", "123 456 782", "x123-456-782y", "12345672", "0123456782",
		"2016-2017", "13-01-2010", "2010-01-15", "1 2 3 4 5 6 7 8 2", "0 0 0 12345672",
		"123456782123", "line 12 has 3 fields", "111222333,123456782", "1234\u00a056\u00a0782",
		"12.03.2016 123", "TZ2020-9001", "RMC2019-90001", "[bsn]123456782",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := bsnmask.Mask(in)
		if possible(out) {
			t.Fatalf("Mask(%q) = %q still holds a possible BSN", in, out)
		}
		if !possible(in) && out != in {
			t.Fatalf("Mask(%q) = %q changed text without a possible BSN", in, out)
		}
		if got, want := bsnmask.Contains(in), possible(in); got != want {
			t.Fatalf("Contains(%q) = %v, the reference says %v", in, got, want)
		}
		if possible(in) && !regexp.MustCompile(bsnmask.Prefilter).MatchString(in) {
			t.Fatalf("Prefilter misses %q", in)
		}
		if again := bsnmask.Mask(out); again != out {
			t.Fatalf("Mask is not idempotent on %q: %q, then %q", in, out, again)
		}
	})
}

// TestMaskNumbers compares Mask with the reference on many numbers built like the
// ones that matter — digit groups joined by separators, between text — which random
// fuzzing rarely finds: about one in eleven such runs passes the eleven test.
func TestMaskNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	found := 0
	seps := []string{".", "-", " ", "\u00a0", "  ", " - ", "    ", ",", ", ", "/", "x"}
	for n := 0; n < 50000; n++ {
		var b strings.Builder
		b.WriteString([]string{"", "a", "BSN ", "'", "0"}[rng.IntN(5)])
		for g := rng.IntN(5) + 1; g > 0; g-- {
			for d := rng.IntN(9) + 1; d > 0; d-- {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
			if g > 1 {
				b.WriteString(seps[rng.IntN(len(seps))])
			}
		}
		in := b.String()
		out := bsnmask.Mask(in)
		if out != in {
			found++
		}
		if possible(out) {
			t.Fatalf("Mask(%q) = %q still holds a possible BSN", in, out)
		}
		if !possible(in) && out != in {
			t.Fatalf("Mask(%q) = %q changed text without a possible BSN", in, out)
		}
	}
	if found < 1000 {
		t.Errorf("only %d of the generated texts held a possible BSN; the test checks too little", found)
	}
}

// The reference: numbers are found with a regular expression, split into groups, and
// every run of groups is tried.
var (
	number = regexp.MustCompile(`[0-9]+(?:[.,\-\p{Zs}]{1,3}[0-9]+)*`)
	digits = regexp.MustCompile(`[0-9]+`)
	year   = regexp.MustCompile(`^(19|20)[0-9]{2}$`)
)

// possible reports whether s holds a possible BSN by the package's definition.
func possible(s string) bool {
	for _, n := range number.FindAllString(s, -1) {
		groups := digits.FindAllStringIndex(n, -1)
		for a := range groups {
			for b := a; b < len(groups); b++ {
				var ds []string
				for _, g := range groups[a : b+1] {
					ds = append(ds, n[g[0]:g[1]])
				}
				var seps []string
				for k := a + 1; k <= b; k++ {
					seps = append(seps, n[groups[k-1][1]:groups[k][0]])
				}
				sig := strings.TrimLeft(strings.Join(ds, ""), "0")
				if len(sig) >= 8 && len(sig) <= 9 && eleven(sig) && !exemptShape(ds, seps) {
					return true
				}
			}
		}
	}
	return false
}

func exemptShape(ds, seps []string) bool {
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	lens := make([]int, len(ds))
	for i, d := range ds {
		lens[i] = len(d)
	}
	switch {
	case len(ds) == 2:
		return seps[0] == "-" && lens[0] == 4 && year.MatchString(ds[0]) && (lens[1] == 4 || lens[1] == 5)
	case len(ds) == 3 && seps[0] == seps[1] && len([]rune(seps[0])) == 1:
		if lens[0] == 2 && lens[1] == 2 && lens[2] == 4 {
			return num(ds[0]) >= 1 && num(ds[0]) <= 31 && num(ds[1]) >= 1 && num(ds[1]) <= 12 && year.MatchString(ds[2])
		}
		if lens[0] == 4 && lens[1] == 2 && lens[2] == 2 {
			return year.MatchString(ds[0]) && num(ds[1]) >= 1 && num(ds[1]) <= 12 && num(ds[2]) >= 1 && num(ds[2]) <= 31
		}
	}
	return false
}

// eleven is the eleven test on 8 or 9 digits, 8 left-padded with a zero.
func eleven(s string) bool {
	s = strings.Repeat("0", 9-len(s)) + s
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * int(s[i]-'0')
	}
	sum -= int(s[8] - '0')
	return sum%11 == 0 && strings.Trim(s, "0") != ""
}
