package accessible

// style is what a piece of text is, for colour: colour is only ever laid
// over words that say the same, and only when asked for.
type style int

const (
	styleHeading style = iota
	styleBad
	styleGood
)

// paint wraps s in the style's colour when colour was asked for.
func (t *tutor) paint(st style, s string) string {
	if !t.opts.Color || s == "" {
		return s
	}
	code := "1" // bold
	switch st {
	case styleBad:
		code = "31"
	case styleGood:
		code = "32"
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
