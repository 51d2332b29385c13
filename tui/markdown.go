package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MarkdownStyles styles the elements of lesson markdown. Each inline style
// is laid over the styles of the elements around it, so that code inside
// strong text is both.
type MarkdownStyles struct {
	// Text is ordinary prose.
	Text lipgloss.Style
	// Heading styles a heading, its "#" marks included.
	Heading lipgloss.Style
	// Strong and Emph style **strong** and *emphasised* text.
	Strong lipgloss.Style
	Emph   lipgloss.Style
	// Code styles `code spans`; CodeBlock each line of a code block.
	Code      lipgloss.Style
	CodeBlock lipgloss.Style
	// Link styles a link's text; URL the address shown after it.
	Link lipgloss.Style
	URL  lipgloss.Style
	// Marker styles list bullets and numbers; Quote the bar in front of a
	// block quote and thematic breaks.
	Marker lipgloss.Style
	Quote  lipgloss.Style
}

// mdMargin is the left margin of rendered markdown.
const mdMargin = 2

// renderMarkdown renders markdown for a terminal pane: word-wrapped so that
// no line is wider than width cells, styled with st, with a left margin.
// Code blocks are not highlighted; their long lines are cut to the width.
// Styles open and close on each line, so a line can be shown on its own.
func renderMarkdown(src string, width int, st *MarkdownStyles) string {
	width = max(1, width)
	source := []byte(src)
	doc := parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	).Parse(text.NewReader(source))
	r := mdRenderer{st: st, src: source, styles: make(map[mdFlags]lipgloss.Style)}
	margin := 0
	if width > 2*mdMargin {
		margin = mdMargin
	}
	lines := r.blocks(doc, width-margin, false)
	pad := strings.Repeat(" ", margin)
	for i, l := range lines {
		if l != "" {
			l = pad + l
		}
		if ansi.StringWidth(l) > width {
			// Only a list nested deeper than the width allows gets here.
			l = ansi.Truncate(l, width, "")
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// mdFlags says which inline elements a piece of text is inside.
type mdFlags uint8

// The inline elements, weakest first: a later one's style wins where both
// set the same property.
const (
	mdHeading mdFlags = 1 << iota
	mdEmph
	mdStrong
	mdLink
	mdURL
	mdCode
	mdBreak // not an element: a hard line break
)

// mdRenderer renders one markdown document.
type mdRenderer struct {
	st     *MarkdownStyles
	src    []byte
	styles map[mdFlags]lipgloss.Style // by flags, built as needed
}

// style returns the style for text inside the elements f.
func (r *mdRenderer) style(f mdFlags) lipgloss.Style {
	if s, ok := r.styles[f]; ok {
		return s
	}
	s := r.st.Text
	for _, e := range []struct {
		f mdFlags
		s lipgloss.Style
	}{{mdHeading, r.st.Heading}, {mdEmph, r.st.Emph}, {mdStrong, r.st.Strong}, {mdLink, r.st.Link}, {mdURL, r.st.URL}, {mdCode, r.st.Code}} {
		if f&e.f != 0 {
			s = e.s.Inherit(s)
		}
	}
	r.styles[f] = s
	return s
}

// blocks renders the block children of n, width cells wide, with a blank
// line between them unless tight.
func (r *mdRenderer) blocks(n ast.Node, width int, tight bool) []string {
	var out []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		lines := r.block(c, width)
		if len(lines) == 0 {
			continue
		}
		if len(out) > 0 && !tight {
			out = append(out, "")
		}
		out = append(out, lines...)
	}
	return out
}

// block renders one block node, width cells wide.
func (r *mdRenderer) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		var sp []mdSpan
		r.inlines(n, 0, &sp)
		return r.layout(sp, width)
	case *ast.Heading:
		sp := []mdSpan{{strings.Repeat("#", n.Level) + " ", mdHeading}}
		r.inlines(n, mdHeading, &sp)
		return r.layout(sp, width)
	case *ast.List:
		return r.list(n, width)
	case *ast.Blockquote:
		bar := r.st.Quote.Render("│ ")
		lines := r.blocks(n, max(1, width-2), false)
		for i, l := range lines {
			lines[i] = bar + l
		}
		return lines
	case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
		return r.code(n, width)
	case *ast.ThematicBreak:
		return []string{r.st.Quote.Render(strings.Repeat("─", min(width, 40)))}
	}
	return r.blocks(n, width, false)
}

// list renders a bullet or numbered list: each item's first line after its
// marker, the rest indented to line up with it.
func (r *mdRenderer) list(l *ast.List, width int) []string {
	depth := 0
	for p := l.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.List); ok {
			depth++
		}
	}
	bullet := [...]string{"•", "◦", "▪"}[depth%3]
	count := l.ChildCount()
	last := l.Start + count - 1
	markerWidth := 2
	if l.IsOrdered() {
		markerWidth = len(fmt.Sprint(last)) + 2
	}
	var out []string
	i := 0
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		marker := bullet + " "
		if l.IsOrdered() {
			marker = fmt.Sprintf("%*d%c ", markerWidth-2, l.Start+i, l.Marker)
		}
		i++
		lines := r.blocks(item, max(1, width-markerWidth), l.IsTight)
		if len(lines) == 0 {
			lines = []string{""}
		}
		if len(out) > 0 && !l.IsTight {
			out = append(out, "")
		}
		indent := strings.Repeat(" ", markerWidth)
		for j, line := range lines {
			switch {
			case j == 0:
				line = r.st.Marker.Render(marker) + line
			case line != "":
				line = indent + line
			}
			out = append(out, line)
		}
	}
	return out
}

// code renders a code block's lines as they are, tabs expanded and each
// line cut into pieces no wider than width.
func (r *mdRenderer) code(n ast.Node, width int) []string {
	var out []string
	segs := n.Lines()
	for i := range segs.Len() {
		seg := segs.At(i)
		line := strings.TrimRight(string(seg.Value(r.src)), "\r\n")
		line = strings.ReplaceAll(line, "\t", "    ")
		if line == "" {
			out = append(out, "")
			continue
		}
		for _, piece := range strings.Split(ansi.Hardwrap(line, width, true), "\n") {
			out = append(out, r.st.CodeBlock.Render(piece))
		}
	}
	return out
}

// mdSpan is a piece of inline text and the elements it is inside.
type mdSpan struct {
	text  string
	flags mdFlags
}

// inlines appends the inline content of n to sp.
func (r *mdRenderer) inlines(n ast.Node, f mdFlags, sp *[]mdSpan) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(r.src)
			if !c.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			*sp = append(*sp, mdSpan{string(v), f})
			switch {
			case c.HardLineBreak():
				*sp = append(*sp, mdSpan{"", mdBreak})
			case c.SoftLineBreak():
				*sp = append(*sp, mdSpan{" ", f})
			}
		case *ast.String:
			*sp = append(*sp, mdSpan{string(c.Value), f})
		case *ast.CodeSpan:
			var b strings.Builder
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				switch t := t.(type) {
				case *ast.Text:
					b.Write(t.Segment.Value(r.src))
					if t.SoftLineBreak() {
						b.WriteByte(' ')
					}
				case *ast.String:
					b.Write(t.Value)
				}
			}
			*sp = append(*sp, mdSpan{b.String(), f | mdCode})
		case *ast.Emphasis:
			if c.Level >= 2 {
				r.inlines(c, f|mdStrong, sp)
			} else {
				r.inlines(c, f|mdEmph, sp)
			}
		case *ast.Link:
			r.linked(c, string(c.Destination), f, sp)
		case *ast.Image:
			r.linked(c, string(c.Destination), f, sp)
		case *ast.AutoLink:
			*sp = append(*sp, mdSpan{string(c.URL(r.src)), f | mdURL})
		case *ast.RawHTML:
			for i := range c.Segments.Len() {
				s := c.Segments.At(i)
				*sp = append(*sp, mdSpan{string(s.Value(r.src)), f})
			}
		default:
			r.inlines(c, f, sp)
		}
	}
}

// linked appends a link's or an image's text, then its address in
// brackets unless the text is the address.
func (r *mdRenderer) linked(n ast.Node, dest string, f mdFlags, sp *[]mdSpan) {
	start := len(*sp)
	r.inlines(n, f|mdLink, sp)
	var label strings.Builder
	for _, s := range (*sp)[start:] {
		label.WriteString(s.text)
	}
	if dest == "" || label.String() == dest {
		return
	}
	if label.Len() == 0 {
		*sp = append(*sp, mdSpan{dest, f | mdURL})
		return
	}
	*sp = append(*sp, mdSpan{" (", f}, mdSpan{dest, f | mdURL}, mdSpan{")", f})
}

// mdWord is a run of spans with no space in it: a word, which may change
// style part way ("**bold**,").
type mdWord struct {
	parts []mdSpan
	width int
	// space is the flags of the space before the word; brk marks a hard
	// line break before it.
	space mdFlags
	brk   bool
}

// words splits spans into words at spaces and hard line breaks.
func words(sp []mdSpan) []mdWord {
	var out []mdWord
	var cur mdWord
	var piece strings.Builder
	pieceFlags := mdFlags(0)
	sep, brk := mdFlags(0), false
	endPiece := func() {
		if piece.Len() > 0 {
			s := piece.String()
			cur.parts = append(cur.parts, mdSpan{s, pieceFlags})
			cur.width += ansi.StringWidth(s)
			piece.Reset()
		}
	}
	endWord := func() {
		endPiece()
		if len(cur.parts) > 0 {
			cur.space, cur.brk = sep, brk
			out = append(out, cur)
			brk = false
		}
		cur = mdWord{}
	}
	for _, s := range sp {
		if s.flags == mdBreak {
			endWord()
			brk = len(out) > 0
			continue
		}
		endPiece()
		pieceFlags = s.flags
		for _, c := range s.text {
			if isSpace(c) {
				endWord()
				sep = s.flags
				continue
			}
			piece.WriteRune(c)
		}
	}
	endWord()
	return out
}

// isSpace reports whether c separates words.
func isSpace(c rune) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// layout word-wraps spans to width and renders each line, its styles
// closed at the end of the line.
func (r *mdRenderer) layout(sp []mdSpan, width int) []string {
	var out []string
	var line []mdSpan
	lineWidth := 0
	emit := func() {
		out = append(out, r.renderLine(line))
		line, lineWidth = nil, 0
	}
	for _, w := range words(sp) {
		if w.brk {
			emit()
		}
		if lineWidth > 0 && lineWidth+1+w.width <= width {
			line = append(line, mdSpan{" ", w.space})
			line = append(line, w.parts...)
			lineWidth += 1 + w.width
			continue
		}
		if lineWidth > 0 {
			emit()
		}
		if w.width <= width {
			line = append(line, w.parts...)
			lineWidth = w.width
			continue
		}
		// A word wider than the line: cut it where the line is full.
		for _, p := range w.parts {
			for _, c := range p.text {
				cw := ansi.StringWidth(string(c))
				if lineWidth+cw > width && lineWidth > 0 {
					emit()
				}
				line = append(line, mdSpan{string(c), p.flags})
				lineWidth += cw
			}
		}
	}
	if len(line) > 0 || len(out) == 0 {
		emit()
	}
	return out
}

// renderLine renders one line of spans, a run of spans with the same
// flags in one piece.
func (r *mdRenderer) renderLine(line []mdSpan) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		j := i
		var run strings.Builder
		for ; j < len(line) && line[j].flags == line[i].flags; j++ {
			run.WriteString(line[j].text)
		}
		b.WriteString(r.style(line[i].flags).Render(run.String()))
		i = j
	}
	return b.String()
}
