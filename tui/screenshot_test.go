package tui

import (
	"flag"
	"fmt"
	"image/color"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/engine"
)

// screenshotPath is the README's picture of the tutor.
const screenshotPath = "testdata/tutor.svg"

// TestScreenshot renders the real tutor at 80x24, after running stage 2
// and after the learner's own browser did stage 2's first challenge, to
// an SVG picture, and checks it against testdata/tutor.svg. The values
// that change from run to run (port, dates, cookie) are replaced with
// fixed ones of the same length, so the picture is reproducible. Refresh
// it with: go test ./tui -run TestScreenshot -update
func TestScreenshot(t *testing.T) {
	m, _, _ := newTestModel(t, engine.Progress{})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "n", "enter")
	feed(t, m, 2)
	// The learner's browser posts the form and follows the redirect to
	// /show with the cookie it got: the status line says it is done.
	resp, err := learnerBrowser(t).PostForm(m.eng.URL()+"/users", url.Values{"name": {"Lin"}, "email": {"lin@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	feed(t, m, 2)
	if d, _ := m.learn.tracker.Count("session"); d != 1 {
		t.Fatalf("the learner's browser ticked %d challenges, want 1", d)
	}
	svg := toSVG(stabilize(m.View().Content), 80, 24)
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(screenshotPath, []byte(svg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(screenshotPath)
	if err != nil {
		t.Fatalf("%v (make it with: go test ./tui -run TestScreenshot -update)", err)
	}
	if string(want) != svg {
		t.Errorf("%s is out of date; refresh it with: go test ./tui -run TestScreenshot -update", screenshotPath)
	}
}

// stabilize replaces what changes from run to run with fixed text of the
// same length, so the layout stays exactly as the program drew it.
func stabilize(s string) string {
	same := func(template string) func(string) string {
		return func(m string) string {
			out := []rune(template)
			for len(out) < len([]rune(m)) {
				out = append(out, out...)
			}
			if strings.HasSuffix(m, "…") {
				return string(out[:len([]rune(m))-1]) + "…"
			}
			return string(out[:len([]rune(m))])
		}
	}
	for _, r := range []struct {
		re   string
		with string
	}{
		{`127\.0\.0\.1:\d+`, "127.0.0.1:41234"},
		{`session=[A-Za-z0-9_=-]+…?`, "session=MTc5NTYzOTIwMHxEWDhFQVFMX2dBQUJFQUVRQUFCTF80QUFBZ1p6ZEhKcGJtY01CZ0FFYm1GdFpRWnpkSEpwYm1jTUJRQURRV1Jo"},
		{`[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} [\d: GMT]*…?`, "Wed, 25 Nov 2026 20:00:00 GMT"},
		{`Expires=[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} [\d: GMT]*…?`, "Expires=Fri, 25 Dec 2026 20:00:00 GMT"},
		{`\b1[7-9]\d{8}\b`, "1795636800"},
		{`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`, "2026-11-25 20:00:00"},
		{`\b\d\d:\d\d:\d\d\b`, "20:00:00"},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllStringFunc(s, same(r.with))
	}
	return s
}

// cellStyle is the style of a run of cells.
type cellStyle struct {
	fg, bg                          color.Color
	bold, faint, italic, under, rev bool
}

// toSVG draws styled terminal text as an SVG picture of a width x height
// terminal with a dark background.
func toSVG(content string, width, height int) string {
	const cw, ch, pad = 8.4, 18.0, 12.0
	bg := color.RGBA{0x1a, 0x1b, 0x26, 0xff}
	fg := color.RGBA{0xd8, 0xd8, 0xd8, 0xff}
	var b strings.Builder
	w, h := float64(width)*cw+2*pad, float64(height)*ch+2*pad
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" rx="8" fill="%s"/>`+"\n", hexColor(bg))
	b.WriteString(`<g font-family="'DejaVu Sans Mono','Menlo','Consolas',monospace" font-size="14" xml:space="preserve" style="white-space:pre">` + "\n")
	for row, line := range strings.Split(content, "\n") {
		if row >= height {
			break
		}
		y := pad + float64(row)*ch
		col := 0
		var st cellStyle
		var run strings.Builder
		runCol, runStyle := 0, st
		flush := func() {
			text := run.String()
			run.Reset()
			if text == "" {
				return
			}
			f, k := runStyle.fg, runStyle.bg
			if f == nil {
				f = fg
			}
			if runStyle.rev {
				if k == nil {
					k = bg
				}
				f, k = k, f
			}
			n := ansi.StringWidth(text)
			x := pad + float64(runCol)*cw
			if k != nil {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.0f" fill="%s"/>`+"\n", x, y, float64(n)*cw, ch, hexColor(k))
			}
			if strings.TrimSpace(text) == "" && !runStyle.under {
				return
			}
			attrs := fmt.Sprintf(`x="%.1f" y="%.1f" fill="%s"`, x, y+ch*0.75, hexColor(f))
			if runStyle.bold {
				attrs += ` font-weight="bold"`
			}
			if runStyle.italic {
				attrs += ` font-style="italic"`
			}
			if runStyle.faint {
				attrs += ` fill-opacity="0.6"`
			}
			if runStyle.under {
				attrs += ` text-decoration="underline"`
			}
			// No-break spaces, which no renderer collapses.
			fmt.Fprintf(&b, "<text %s>%s</text>\n", attrs, strings.ReplaceAll(xmlEscape(text), " ", "\u00a0"))
		}
		for i := 0; i < len(line); {
			if line[i] == 0x1b {
				n, params, final := parseEscape(line[i:])
				if final == 'm' {
					flush()
					st = applySGR(st, params)
					runCol, runStyle = col, st
				}
				i += n
				continue
			}
			r, size := rune(line[i]), 1
			if r >= 0x80 {
				rs := []rune(line[i:])
				r, size = rs[0], len(string(rs[0]))
			}
			i += size
			// Each glyph is placed at its own column, so font widths of
			// symbols cannot shift the rest of the line.
			if r > 0x7f {
				flush()
				runCol, runStyle = col, st
				run.WriteRune(r)
				flush()
				col += max(1, ansi.StringWidth(string(r)))
				runCol = col
				continue
			}
			run.WriteRune(r)
			col++
		}
		flush()
	}
	b.WriteString("</g>\n</svg>\n")
	return b.String()
}

// parseEscape reads an escape sequence at the start of s and returns its
// length, and for a CSI sequence its parameters and final byte.
func parseEscape(s string) (n int, params string, final byte) {
	if len(s) < 2 {
		return len(s), "", 0
	}
	switch s[1] {
	case '[':
		for i := 2; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1, s[2:i], s[i]
			}
		}
	case ']', 'P', '_', '^':
		for i := 2; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1, "", 0
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2, "", 0
			}
		}
	default:
		return 2, "", 0
	}
	return len(s), "", 0
}

// applySGR applies SGR parameters to st.
func applySGR(st cellStyle, params string) cellStyle {
	if params == "" {
		return cellStyle{}
	}
	ps := strings.FieldsFunc(params, func(r rune) bool { return r == ';' })
	num := func(i int) int {
		if i >= len(ps) {
			return 0
		}
		v, _ := strconv.Atoi(strings.SplitN(ps[i], ":", 2)[0])
		return v
	}
	for i := 0; i < len(ps); i++ {
		switch p := num(i); {
		case p == 0:
			st = cellStyle{}
		case p == 1:
			st.bold = true
		case p == 2:
			st.faint = true
		case p == 3:
			st.italic = true
		case p == 4:
			st.under = !strings.HasPrefix(ps[i], "4:0")
		case p == 7:
			st.rev = true
		case p == 22:
			st.bold, st.faint = false, false
		case p == 23:
			st.italic = false
		case p == 24:
			st.under = false
		case p == 27:
			st.rev = false
		case p >= 30 && p <= 37:
			st.fg = ansi256(p - 30)
		case p >= 90 && p <= 97:
			st.fg = ansi256(p - 90 + 8)
		case p >= 40 && p <= 47:
			st.bg = ansi256(p - 40)
		case p >= 100 && p <= 107:
			st.bg = ansi256(p - 100 + 8)
		case p == 39:
			st.fg = nil
		case p == 49:
			st.bg = nil
		case p == 38 || p == 48:
			var c color.Color
			switch num(i + 1) {
			case 5:
				c = ansi256(num(i + 2))
				i += 2
			case 2:
				c = color.RGBA{uint8(num(i + 2)), uint8(num(i + 3)), uint8(num(i + 4)), 0xff}
				i += 4
			}
			if p == 38 {
				st.fg = c
			} else {
				st.bg = c
			}
		}
	}
	return st
}

// ansi256 returns xterm's colour n.
func ansi256(n int) color.Color {
	base := []color.RGBA{
		{0x00, 0x00, 0x00, 0xff}, {0xcd, 0x31, 0x31, 0xff}, {0x0d, 0xbc, 0x79, 0xff}, {0xe5, 0xe5, 0x10, 0xff},
		{0x24, 0x72, 0xc8, 0xff}, {0xbc, 0x3f, 0xbc, 0xff}, {0x11, 0xa8, 0xcd, 0xff}, {0xe5, 0xe5, 0xe5, 0xff},
		{0x66, 0x66, 0x66, 0xff}, {0xf1, 0x4c, 0x4c, 0xff}, {0x23, 0xd1, 0x8b, 0xff}, {0xf5, 0xf5, 0x43, 0xff},
		{0x3b, 0x8e, 0xea, 0xff}, {0xd6, 0x70, 0xd6, 0xff}, {0x29, 0xb8, 0xdb, 0xff}, {0xff, 0xff, 0xff, 0xff},
	}
	switch {
	case n < 16:
		return base[max(0, n)]
	case n < 232:
		n -= 16
		level := func(v int) uint8 {
			if v == 0 {
				return 0
			}
			return uint8(55 + 40*v)
		}
		return color.RGBA{level(n / 36), level(n / 6 % 6), level(n % 6), 0xff}
	default:
		g := uint8(8 + 10*(min(n, 255)-232))
		return color.RGBA{g, g, g, 0xff}
	}
}

func hexColor(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
