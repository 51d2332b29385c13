package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// mdSample uses every element the renderer handles.
const mdSample = "# Title of the lesson\n\n" +
	"A paragraph with **strong words**, *emphasis*, a `code span`, **strong with `code` inside**\n" +
	"and a [link](https://example.com/a/long/path) and <https://example.org>, long enough to wrap.\n\n" +
	"## Second heading\n\n" +
	"- first item, which goes on long enough that it has to wrap onto a second line\n" +
	"- second item\n" +
	"  - nested item, also long enough to wrap onto the next line at small widths\n" +
	"  - nested two\n\n" +
	"1. numbered one\n" +
	"2. numbered two, which is long enough to wrap at any width under sixty cells\n\n" +
	"> A block quote, long enough to wrap\n> at narrow widths.\n\n" +
	"Hard  \nbreak and a_very_long_word_with_no_spaces_that_is_wider_than_any_narrow_pane_we_try.\n\n" +
	"---\n\n" +
	"```go\nfunc main() {\n\tfmt.Println(\"a line of code that is long enough to be cut at narrow widths\")\n}\n```\n"

// mdStyleSets are the style sets the tutor uses, by name.
func mdStyleSets() []Styles {
	return []Styles{DefaultStyles(true), DefaultStyles(false), NoColorStyles(), PlainStyles()}
}

func TestRenderMarkdownWidth(t *testing.T) {
	ls := testLessons(t)
	docs := []string{mdSample}
	for _, l := range ls {
		docs = append(docs, l.Text)
		for _, c := range l.Flask {
			docs = append(docs, "**"+c.Name+"**\n\n```"+c.Lang+"\n"+c.Source+"```\n")
		}
	}
	for _, st := range mdStyleSets() {
		for width := 20; width <= 120; width++ {
			for _, d := range docs {
				out := renderMarkdown(d, width, &st.Markdown)
				for i, line := range strings.Split(out, "\n") {
					if w := ansi.StringWidth(line); w > width {
						t.Fatalf("%s, width %d: line %d is %d cells wide:\n%q", st.Name, width, i, w, line)
					}
				}
			}
		}
	}
}

func TestRenderMarkdownElements(t *testing.T) {
	st := PlainStyles()
	out := renderMarkdown(mdSample, 60, &st.Markdown)
	if strings.Contains(out, "\x1b") {
		t.Fatalf("plain styles wrote escape codes:\n%q", out)
	}
	lines := strings.Split(out, "\n")
	has := func(want string) {
		t.Helper()
		for _, l := range lines {
			if l == want {
				return
			}
		}
		t.Errorf("no line %q in:\n%s", want, out)
	}
	has("  # Title of the lesson")
	has("  ## Second heading")
	// Markup is gone, text and link addresses stay; the paragraph is
	// wrapped as one, not at the source's line break.
	has("  A paragraph with strong words, emphasis, a code span,")
	has("  strong with code inside and a link")
	has("  (https://example.com/a/long/path) and https://example.org,")
	has("  • first item, which goes on long enough that it has to")
	has("    wrap onto a second line")
	has("  • second item")
	has("    ◦ nested item, also long enough to wrap onto the next")
	has("      line at small widths")
	has("    ◦ nested two")
	has("  1. numbered one")
	has("  2. numbered two, which is long enough to wrap at any width")
	has("     under sixty cells")
	has("  │ A block quote, long enough to wrap at narrow widths.")
	has("  Hard")
	has("  break and")
	has("  a_very_long_word_with_no_spaces_that_is_wider_than_any_nar")
	has("  row_pane_we_try.")
	has("  " + strings.Repeat("─", 40))
	// Code keeps its lines and indentation, tabs expanded, unwrapped
	// where it fits.
	has("  func main() {")
	has("  }")
	has("      fmt.Println(\"a line of code that is long enough to be ")
	has("  cut at narrow widths\")")
	for _, raw := range []string{"**", "`", "](", "<https", "```", "> "} {
		if strings.Contains(out, raw) {
			t.Errorf("markdown syntax %q left in the output:\n%s", raw, out)
		}
	}
}

func TestRenderMarkdownStyles(t *testing.T) {
	src := "plain **strong** *emph* `code` [link](https://x.example)"
	t.Run("dark", func(t *testing.T) {
		st := DefaultStyles(true)
		out := renderMarkdown(src, 80, &st.Markdown)
		for _, want := range []string{
			st.Markdown.Strong.Inherit(st.Markdown.Text).Render("strong"),
			st.Markdown.Emph.Inherit(st.Markdown.Text).Render("emph"),
			st.Markdown.Code.Inherit(st.Markdown.Text).Render("code"),
			st.Markdown.Link.Inherit(st.Markdown.Text).Render("link"),
			st.Markdown.URL.Inherit(st.Markdown.Text).Render("https://x.example"),
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%q", want, out)
			}
		}
		if ansi.Strip(out) != "  plain strong emph code link (https://x.example)" {
			t.Errorf("text is %q", ansi.Strip(out))
		}
	})
	t.Run("nested", func(t *testing.T) {
		st := DefaultStyles(true)
		out := renderMarkdown("**bold `code`**", 80, &st.Markdown)
		want := st.Markdown.Code.Inherit(st.Markdown.Strong).Inherit(st.Markdown.Text).Render("code")
		if !strings.Contains(out, want) || !strings.Contains(want, "1;") {
			t.Errorf("code in strong text is not bold code: %q, want %q inside", out, want)
		}
	})
	t.Run("no colour", func(t *testing.T) {
		st := NoColorStyles()
		out := renderMarkdown(src+"\n\n# Heading\n\n- item\n\n> quote\n\n```\ncode\n```", 80, &st.Markdown)
		md := &st.Markdown
		if !strings.Contains(out, "\x1b[1mstrong\x1b[m") || !strings.Contains(out, md.Emph.Inherit(md.Text).Render("emph")) ||
			!strings.Contains(md.Emph.Render("emph"), "\x1b[4") {
			t.Errorf("strong is not bold or emphasis not underlined: %q", out)
		}
		// SGR 30-49 and 90-107 set colours; 38 and 48 start extended ones.
		for _, p := range strings.Split(out, "\x1b[")[1:] {
			params, _, _ := strings.Cut(p, "m")
			for _, n := range strings.Split(params, ";") {
				if len(n) == 2 && (n[0] == '3' || n[0] == '4' || n[0] == '9') || len(n) == 3 && n[0] == '1' {
					t.Fatalf("no-colour styles wrote a colour (%q): %q", params, out)
				}
			}
		}
	})
	t.Run("styles close on each line", func(t *testing.T) {
		st := DefaultStyles(true)
		out := renderMarkdown("**"+strings.Repeat("bold words ", 20)+"**", 30, &st.Markdown)
		for _, l := range strings.Split(out, "\n") {
			if !strings.HasSuffix(l, "\x1b[m") {
				t.Errorf("line leaves a style open: %q", l)
			}
		}
	})
}

func TestRenderMarkdownLessonsPlain(t *testing.T) {
	st := PlainStyles()
	for _, l := range testLessons(t) {
		out := renderMarkdown(l.Text, 70, &st.Markdown)
		if strings.ContainsAny(out, "\x1b*`") {
			t.Errorf("%s: escape codes or markdown syntax in plain output:\n%s", l.File, out)
		}
		// Every word of the source is still there.
		unmark := strings.NewReplacer("*", "", "`", "")
		for _, w := range strings.Fields(unmark.Replace(l.Text)) {
			if !strings.Contains(out, w) {
				t.Errorf("%s: word %q lost", l.File, w)
			}
		}
	}
}
