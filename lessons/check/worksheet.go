package check

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
)

// worksheetWidth is where the worksheet's prose is wrapped.
const worksheetWidth = 76

// Worksheet writes, for --plain, each stage's challenges: what to do, the
// hints, and the exact commands for the live server d.URL. The plain
// transcript only prints, so it says that it cannot check them and how
// to have them checked.
func (c *Course) Worksheet(w io.Writer, d lessons.HintData) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "Worksheet: things to do yourself, in a browser or with curl")
	fmt.Fprintln(bw)
	wrap(bw, "", "The server is at "+d.URL+" while this runs. This plain transcript cannot check what you do: it only prints. Run formtest tutor without --plain and it watches its server's traffic and ticks each challenge as it sees your browser or curl do it.")
	for _, sw := range c.stages {
		if len(sw.challenges) == 0 {
			continue
		}
		fmt.Fprintln(bw)
		fmt.Fprintf(bw, "Stage %d: %s\n", sw.stage.Index+1, sw.stage.Lesson.Title)
		for i, ch := range sw.challenges {
			fmt.Fprintln(bw)
			fmt.Fprintf(bw, "  [ ] %d.%d %s\n", sw.stage.Index+1, i+1, ch.Title)
			wrap(bw, "      ", ch.Goal)
			for n := 1; n < ch.HintCount(); n++ {
				text, err := ch.Hint(n, d)
				if err != nil {
					return err
				}
				wrap(bw, fmt.Sprintf("      hint %d: ", n), text)
			}
			steps, err := ch.BrowserSteps(d)
			if err != nil {
				return err
			}
			if steps != "" {
				wrap(bw, "      in a browser: ", steps)
			}
			lines, err := ch.Commands(d)
			if err != nil {
				return err
			}
			fmt.Fprintln(bw, "      in a terminal:")
			for _, line := range lines {
				fmt.Fprintln(bw, "        "+line)
			}
		}
	}
	return bw.Flush()
}

// wrap writes text after lead, wrapped at worksheetWidth, with the
// following lines indented to lead's width.
func wrap(w io.Writer, lead, text string) {
	indent := strings.Repeat(" ", len([]rune(lead)))
	line := lead
	width := len([]rune(lead))
	empty := true
	for _, word := range strings.Fields(text) {
		n := len([]rune(word))
		if !empty && width+1+n > worksheetWidth {
			fmt.Fprintln(w, line)
			line, width, empty = indent, len([]rune(indent)), true
		}
		if !empty {
			line += " "
			width++
		}
		line += word
		width += n
		empty = false
	}
	fmt.Fprintln(w, line)
}

// WorksheetFor writes the worksheet for e's live server, with the tutor's
// session cookie filled in where a command needs one (a placeholder when
// its jar holds none): what --plain prints after its transcript.
func (c *Course) WorksheetFor(w io.Writer, e *engine.Engine) error {
	return c.Worksheet(w, NewTracker(c, engine.Progress{}, nil).HintData(e))
}
