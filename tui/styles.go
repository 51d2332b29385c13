package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles is every style the tutor draws with. Meaning never rests on colour
// alone: statuses carry their class in words, verdicts a mark and a word,
// the focused pane a marker.
type Styles struct {
	// Header is the top line; Status the line under it.
	Header lipgloss.Style
	Status lipgloss.Style
	// Error styles error messages in the status line.
	Error lipgloss.Style

	// PaneTitle and PaneTitleFocused style the title line of each pane.
	PaneTitle        lipgloss.Style
	PaneTitleFocused lipgloss.Style
	// Rule is the separator between columns.
	Rule lipgloss.Style

	// Section labels a part of a pane, such as "Request 1 of 2".
	Section lipgloss.Style
	// StartLine is a request line; HeaderName and HeaderValue a header.
	StartLine   lipgloss.Style
	HeaderName  lipgloss.Style
	HeaderValue lipgloss.Style
	// Cookie highlights Cookie and Set-Cookie lines.
	Cookie lipgloss.Style
	// Body styles body text; Subtle, remarks and folded parts.
	Body   lipgloss.Style
	Subtle lipgloss.Style
	// Status1xx to Status5xx colour status lines by class.
	Status2xx lipgloss.Style
	Status3xx lipgloss.Style
	Status4xx lipgloss.Style
	Status5xx lipgloss.Style
	// Good and Bad style verdicts.
	Good lipgloss.Style
	Bad  lipgloss.Style
	// Label and Value style the session panel's fields.
	Label lipgloss.Style
	Value lipgloss.Style

	// Selected marks the selected row of a list; Done a completed stage.
	Selected lipgloss.Style
	Done     lipgloss.Style

	// Help styles the help line; Input the form's text inputs.
	Help  help.Styles
	Input textinput.Styles
	// Markdown styles the lesson text.
	Markdown MarkdownStyles
	// Name names the set of styles ("dark", "light", "nocolor", "plain"),
	// so that renderings made with one are not shown with another.
	Name string
}

// DefaultStyles returns styles for a dark or a light background.
func DefaultStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	fg := ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E4E4E4"))
	subtle := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A"))
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B7A6FF"))
	cookie := ld(lipgloss.Color("#8A4B00"), lipgloss.Color("#FFC66B"))
	green := ld(lipgloss.Color("#1D7A1D"), lipgloss.Color("#7BD88F"))
	blue := ld(lipgloss.Color("#0B5CAD"), lipgloss.Color("#79B8FF"))
	orange := ld(lipgloss.Color("#A34F00"), lipgloss.Color("#FFAB70"))
	red := ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF7B72"))
	s := Styles{
		Header:           lipgloss.NewStyle().Bold(true).Foreground(accent),
		Status:           lipgloss.NewStyle().Foreground(subtle),
		Error:            lipgloss.NewStyle().Bold(true).Foreground(red),
		PaneTitle:        lipgloss.NewStyle().Foreground(subtle),
		PaneTitleFocused: lipgloss.NewStyle().Bold(true).Foreground(accent),
		Rule:             lipgloss.NewStyle().Foreground(subtle),
		Section:          lipgloss.NewStyle().Bold(true).Foreground(accent),
		StartLine:        lipgloss.NewStyle().Bold(true).Foreground(fg),
		HeaderName:       lipgloss.NewStyle().Foreground(blue),
		HeaderValue:      lipgloss.NewStyle().Foreground(fg),
		Cookie:           lipgloss.NewStyle().Bold(true).Foreground(cookie),
		Body:             lipgloss.NewStyle().Foreground(fg),
		Subtle:           lipgloss.NewStyle().Foreground(subtle),
		Status2xx:        lipgloss.NewStyle().Bold(true).Foreground(green),
		Status3xx:        lipgloss.NewStyle().Bold(true).Foreground(blue),
		Status4xx:        lipgloss.NewStyle().Bold(true).Foreground(orange),
		Status5xx:        lipgloss.NewStyle().Bold(true).Foreground(red),
		Good:             lipgloss.NewStyle().Bold(true).Foreground(green),
		Bad:              lipgloss.NewStyle().Bold(true).Foreground(red),
		Label:            lipgloss.NewStyle().Foreground(subtle),
		Value:            lipgloss.NewStyle().Foreground(fg),
		Selected:         lipgloss.NewStyle().Reverse(true),
		Done:             lipgloss.NewStyle().Foreground(green),
		Help:             help.DefaultStyles(isDark),
		Input:            textinput.DefaultStyles(isDark),
		Markdown: MarkdownStyles{
			Text:      lipgloss.NewStyle().Foreground(fg),
			Heading:   lipgloss.NewStyle().Bold(true).Foreground(accent),
			Strong:    lipgloss.NewStyle().Bold(true),
			Emph:      lipgloss.NewStyle().Italic(true),
			Code:      lipgloss.NewStyle().Foreground(cookie).Background(ld(lipgloss.Color("#EFEBE6"), lipgloss.Color("#33302B"))),
			CodeBlock: lipgloss.NewStyle().Foreground(fg),
			Link:      lipgloss.NewStyle().Underline(true).Foreground(blue),
			URL:       lipgloss.NewStyle().Foreground(subtle),
			Marker:    lipgloss.NewStyle().Foreground(accent),
			Quote:     lipgloss.NewStyle().Foreground(subtle),
		},
		Name: "dark",
	}
	if !isDark {
		s.Name = "light"
	}
	return s
}

// NoColorStyles returns styles that use no colour, only bold, underline
// and reverse video, for NO_COLOR and for any background. In lesson text
// strong words and headings are bold, emphasis and links underlined.
func NoColorStyles() Styles {
	bold := lipgloss.NewStyle().Bold(true)
	plain := lipgloss.NewStyle()
	return Styles{
		Header:           bold,
		Status:           plain,
		Error:            bold,
		PaneTitle:        plain,
		PaneTitleFocused: bold.Underline(true),
		Rule:             plain,
		Section:          bold,
		StartLine:        bold,
		HeaderName:       plain,
		HeaderValue:      plain,
		Cookie:           bold,
		Body:             plain,
		Subtle:           plain,
		Status2xx:        bold,
		Status3xx:        bold,
		Status4xx:        bold,
		Status5xx:        bold,
		Good:             bold,
		Bad:              bold,
		Label:            plain,
		Value:            plain,
		Selected:         lipgloss.NewStyle().Reverse(true),
		Done:             plain,
		Help: help.Styles{
			Ellipsis: plain, ShortKey: bold, ShortDesc: plain, ShortSeparator: plain,
			FullKey: bold, FullDesc: plain, FullSeparator: plain,
		},
		Input: plainInput(),
		Markdown: MarkdownStyles{
			Text: plain, Heading: bold, Strong: bold, Emph: lipgloss.NewStyle().Underline(true),
			Code: plain, CodeBlock: plain, Link: lipgloss.NewStyle().Underline(true), URL: plain,
			Marker: plain, Quote: plain,
		},
		Name: "nocolor",
	}
}

// PlainStyles returns styles that add nothing at all: text rendered with
// them holds no escape codes. The plain transcript uses them.
func PlainStyles() Styles {
	p := lipgloss.NewStyle()
	return Styles{
		Header: p, Status: p, Error: p, PaneTitle: p, PaneTitleFocused: p, Rule: p,
		Section: p, StartLine: p, HeaderName: p, HeaderValue: p, Cookie: p, Body: p,
		Subtle: p, Status2xx: p, Status3xx: p, Status4xx: p, Status5xx: p, Good: p,
		Bad: p, Label: p, Value: p, Selected: p, Done: p,
		Help: help.Styles{
			Ellipsis: p, ShortKey: p, ShortDesc: p, ShortSeparator: p,
			FullKey: p, FullDesc: p, FullSeparator: p,
		},
		Input: plainInput(),
		Markdown: MarkdownStyles{
			Text: p, Heading: p, Strong: p, Emph: p, Code: p, CodeBlock: p, Link: p, URL: p,
			Marker: p, Quote: p,
		},
		Name: "plain",
	}
}

// statusStyle returns the style for a status code's class.
func (s *Styles) statusStyle(code int) lipgloss.Style {
	switch {
	case code >= 500:
		return s.Status5xx
	case code >= 400:
		return s.Status4xx
	case code >= 300:
		return s.Status3xx
	default:
		return s.Status2xx
	}
}

// plainInput returns text input styles without colour.
func plainInput() textinput.Styles {
	s := textinput.DefaultStyles(true)
	p := lipgloss.NewStyle()
	s.Focused = textinput.StyleState{Text: p, Placeholder: p, Suggestion: p, Prompt: lipgloss.NewStyle().Bold(true)}
	s.Blurred = textinput.StyleState{Text: p, Placeholder: p, Suggestion: p, Prompt: p}
	s.Cursor.Color = nil
	return s
}
