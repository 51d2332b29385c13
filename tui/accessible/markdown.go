package accessible

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// moreMarker, on a line of its own in a lesson's text, starts its extra
// detail (lessons.MoreMarker, once the lesson files have it).
const moreMarker = "<!-- more -->"

// Blocks renders lesson markdown as plain text for listening: one string
// per block (paragraph, list item, heading, code block), with no markup
// left (no asterisks, backticks or fences) and no hard line breaks inside
// a paragraph, so that a screen reader reads it as one sentence flow and a
// braille display wraps it to its own width. A list item keeps its number
// ("2. ") when the list is ordered; a code block is framed by a line that
// says it is code and one that says where it ends.
func Blocks(src string) []string {
	var out []string
	for _, b := range renderBlocks(src) {
		out = append(out, b.text)
	}
	return out
}

// block is one rendered block; list numbers the list it is an item of,
// from 1, or is 0.
type block struct {
	text string
	list int
}

// renderBlocks renders src's blocks.
func renderBlocks(src string) []block {
	source := []byte(src)
	doc := parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	).Parse(text.NewReader(source))
	r := blockRenderer{src: source}
	r.blocks(doc, "", 0)
	return r.out
}

type blockRenderer struct {
	src   []byte
	out   []block
	lists int
}

// blocks appends the blocks under n, each prefixed with prefix (a list
// item's number for its first block).
func (r *blockRenderer) blocks(n ast.Node, prefix string, list int) {
	src := r.src
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch b := c.(type) {
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
			if s := inline(b, src); s != "" {
				r.out = append(r.out, block{prefix + s, list})
				prefix = ""
			}
		case *ast.List:
			i := b.Start
			r.lists++
			id := r.lists
			for item := b.FirstChild(); item != nil; item = item.NextSibling() {
				p := ""
				if b.IsOrdered() {
					p = strconv.Itoa(i) + ". "
					i++
				}
				r.blocks(item, p, id)
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			r.out = append(r.out, block{"Code:", list})
			lines := b.Lines()
			for j := 0; j < lines.Len(); j++ {
				seg := lines.At(j)
				r.out = append(r.out, block{esc(strings.TrimRight(string(seg.Value(src)), "\n")), list})
			}
			r.out = append(r.out, block{"End of code.", list})
		case *ast.ThematicBreak, *ast.HTMLBlock:
			// A rule is decoration; an HTML block (a comment) says nothing.
		default:
			r.blocks(c, prefix, list)
		}
	}
}

// inline is the text of n's inline children, markup dropped, soft line
// breaks as spaces, and a link's address after its text.
func inline(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch t := c.(type) {
			case *ast.Text:
				b.Write(t.Segment.Value(src))
				if t.SoftLineBreak() || t.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(t.Value)
			case *ast.CodeSpan:
				walk(t)
			case *ast.Link:
				before := b.Len()
				walk(t)
				dest := string(t.Destination)
				if dest != "" && dest != b.String()[before:] {
					b.WriteString(" (" + dest + ")")
				}
			case *ast.AutoLink:
				b.Write(t.URL(src))
			case *ast.RawHTML:
				// Inline HTML in a lesson is a comment or a tag: nothing
				// to read.
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return esc(strings.Join(strings.Fields(b.String()), " "))
}

// Lesson is a lesson's text, split for listening.
type Lesson struct {
	// Opening is what a stage opens with: the first paragraph, and the
	// block after it when the paragraph ends with a colon (it introduces a
	// list).
	Opening []string
	// Rest is the rest of the text, then the extra detail (more).
	Rest []string
}

// SplitLesson renders a lesson's text and extra detail (more, "" for
// none) and splits off the opening. A text that still holds the more
// marker is split there too.
func SplitLesson(textMD, more string) Lesson {
	if before, after, ok := strings.Cut(textMD, moreMarker); ok {
		textMD = before
		more = strings.TrimSpace(after + "\n\n" + more)
	}
	bs := renderBlocks(textMD)
	n := min(1, len(bs))
	if n == 1 && strings.HasSuffix(bs[0].text, ":") && len(bs) > 1 {
		// The paragraph introduces what follows: a list goes with it
		// whole, anything else one block.
		n = 2
		for n < len(bs) && bs[1].list != 0 && bs[n].list == bs[1].list {
			n++
		}
	}
	var l Lesson
	for i, b := range bs {
		if i < n {
			l.Opening = append(l.Opening, b.text)
		} else {
			l.Rest = append(l.Rest, b.text)
		}
	}
	if more != "" {
		l.Rest = append(l.Rest, Blocks(more)...)
	}
	return l
}
