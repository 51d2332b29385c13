// Package qrtexttest reads QR codes drawn by qrtext back, with an
// independent decoder (ZXing's, in Go), for tests: of the drawing itself,
// and of a screen a drawing was placed on.
package qrtexttest

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Modules reads a drawing back into rows of modules, true for dark: each
// character is two rows, its top half and its bottom half, and a half is
// dark where it is inked when darkInk is set, and where it is not
// otherwise (qrtext.LightInk, the default). A drawing of odd height ends
// with a row of background, which is dropped, so that the result is as
// high as it is wide.
func Modules(lines []string, darkInk bool) ([][]bool, error) {
	if len(lines) == 0 {
		return nil, errors.New("qrtexttest: no drawing")
	}
	var rows [][]bool
	for i, line := range lines {
		var top, bottom []bool
		for _, r := range line {
			var up, down bool
			switch r {
			case '█':
				up, down = true, true
			case '▀':
				up = true
			case '▄':
				down = true
			case ' ':
			default:
				return nil, fmt.Errorf("qrtexttest: line %d holds %q, want only half blocks and spaces", i, r)
			}
			top = append(top, up == darkInk)
			bottom = append(bottom, down == darkInk)
		}
		rows = append(rows, top, bottom)
	}
	if w := len(rows[0]); len(rows) >= w {
		rows = rows[:w]
	}
	return rows, nil
}

// Decode reads the QR code in rows of modules, from an image of 4 pixels
// a module.
func Decode(rows [][]bool) (string, error) {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return "", errors.New("qrtexttest: no modules")
	}
	const scale = 4
	img := image.NewGray(image.Rect(0, 0, len(rows[0])*scale, len(rows)*scale))
	for y, row := range rows {
		for x, dark := range row {
			c := color.Gray{Y: 255}
			if dark {
				c = color.Gray{Y: 0}
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray(x*scale+dx, y*scale+dy, c)
				}
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", fmt.Errorf("qrtexttest: %w", err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", fmt.Errorf("qrtexttest: decode the drawn QR code: %w", err)
	}
	return res.GetText(), nil
}

// Find finds a drawing in light ink (qrtext's default) on a screen of
// plain text (styling stripped): its top line is the quiet zone, the
// screen's first run of at least 21 full blocks, as wide as the drawing;
// the drawing is that many columns, from there, on as many lines as it
// takes for a square. It returns the drawing's lines and the column it
// starts at, counted in characters.
func Find(screen string) ([]string, int, error) {
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		rs := []rune(l)
		start, n := -1, 0
		for j, r := range rs {
			if r == '█' {
				if n == 0 {
					start = j
				}
				n++
				continue
			}
			if n >= 21 {
				break
			}
			n = 0
		}
		if n < 21 {
			continue
		}
		height := (n + 1) / 2
		if i+height > len(lines) {
			return nil, 0, fmt.Errorf("qrtexttest: a drawing %d columns wide starts on line %d of %d: it is cut", n, i, len(lines))
		}
		out := make([]string, height)
		for k := range height {
			rs := []rune(lines[i+k])
			if len(rs) < start+n {
				return nil, 0, fmt.Errorf("qrtexttest: line %d of the drawing is cut at %d columns, want %d", k, len(rs)-start, n)
			}
			out[k] = string(rs[start : start+n])
		}
		return out, start, nil
	}
	return nil, 0, errors.New("qrtexttest: no QR code on the screen")
}
