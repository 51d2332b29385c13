// Package qrtext draws a QR code as lines of text for a terminal, two rows
// of modules to a line with the half-block characters ▀, ▄, █ and space, so
// a URL's code fits an 80-column screen and a phone's camera can read it
// off the projector. It knows nothing of Bubble Tea or colour: a view
// places the lines where it likes.
//
// The code comes from github.com/piglig/go-qr, chosen over skip2/go-qrcode
// (unchanged since 2020) and yeqown/go-qrcode (which brings image writers
// along) because it has no dependencies, follows ISO/IEC 18004 down to the
// mask penalty rules, is maintained, and hands over the module matrix,
// which is all this package needs.
package qrtext

import (
	"errors"
	"fmt"
	"strings"

	qr "github.com/piglig/go-qr"
)

// Ink says which modules are drawn with the glyphs' ink; the others are
// left as the terminal's background.
type Ink int

const (
	// LightInk draws the light modules (and the quiet zone), for the usual
	// terminal with light text on a dark background: the code then shows
	// dark on light, as scanners expect. The default.
	LightInk Ink = iota
	// DarkInk draws the dark modules, for dark text on a light background.
	DarkInk
)

// Options shape the drawing. The zero value is the usual choice.
type Options struct {
	// Quiet is the width of the light margin around the code, in modules;
	// 0 means 4, the standard's minimum. Scanners need it to find the code.
	Quiet int
	// MaxWidth is the widest the drawing may be, in columns; 0 means 80.
	MaxWidth int
	// Ink says which modules are drawn; see Ink.
	Ink Ink
}

// ErrTooWide reports data whose code, with its quiet zone, would be wider
// than Options.MaxWidth.
var ErrTooWide = errors.New("qrtext: the QR code would be wider than the screen")

// Lines returns the QR code of data (at medium error correction, raised
// when that costs no size) as lines of equal width, one character a column
// and a line for every two rows of modules, quiet zone included.
func Lines(data string, opts Options) ([]string, error) {
	quiet := opts.Quiet
	if quiet <= 0 {
		quiet = 4
	}
	maxWidth := opts.MaxWidth
	if maxWidth <= 0 {
		maxWidth = 80
	}
	code, err := qr.EncodeText(data, qr.Medium)
	if err != nil {
		return nil, fmt.Errorf("qrtext: %w", err)
	}
	size := code.Size()
	width := size + 2*quiet
	if width > maxWidth {
		return nil, fmt.Errorf("%w: %d columns for %d bytes, at most %d", ErrTooWide, width, len(data), maxWidth)
	}
	// inked reports whether module (x, y) of the drawing, quiet zone
	// included, is drawn with ink.
	inked := func(x, y int) bool {
		x, y = x-quiet, y-quiet
		dark := x >= 0 && y >= 0 && x < size && y < size && code.Module(x, y)
		return dark == (opts.Ink == DarkInk)
	}
	lines := make([]string, 0, (width+1)/2)
	var b strings.Builder
	for y := 0; y < width; y += 2 {
		b.Reset()
		for x := range width {
			// A drawing of odd height ends with a row of background.
			top, bottom := inked(x, y), y+1 < width && inked(x, y+1)
			switch {
			case top && bottom:
				b.WriteRune('█')
			case top:
				b.WriteRune('▀')
			case bottom:
				b.WriteRune('▄')
			default:
				b.WriteByte(' ')
			}
		}
		lines = append(lines, b.String())
	}
	return lines, nil
}

// String returns Lines joined by newlines, ending in one.
func String(data string, opts Options) (string, error) {
	lines, err := Lines(data, opts)
	if err != nil {
		return "", err
	}
	return strings.Join(lines, "\n") + "\n", nil
}
