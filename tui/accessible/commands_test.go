package accessible

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		line string
		want Command
	}{
		{"", Command{Op: OpNone}},
		{"   ", Command{Op: OpNone}},
		{"run", Command{Op: OpRun}},
		{"r", Command{Op: OpRun}},
		{"  RUN  ", Command{Op: OpRun}},
		{"n", Command{Op: OpNext}},
		{"next", Command{Op: OpNext}},
		{"p", Command{Op: OpPrevious}},
		{"prev", Command{Op: OpPrevious}},
		{"l", Command{Op: OpList}},
		{"stage 4", Command{Op: OpStage, N: 4}},
		{"stage4", Command{Op: OpStage, N: 4}},
		{"4", Command{Op: OpStage, N: 4}},
		{"t", Command{Op: OpTamper}},
		{"tamper", Command{Op: OpTamper}},
		{"tr", Command{Op: OpTraffic}},
		{"f", Command{Op: OpForge}},
		{"forge", Command{Op: OpForge}},
		{"form", Command{Op: OpForm}},
		{"s", Command{Op: OpStorage}},
		{"sto", Command{Op: OpStorage}},
		{"clear", Command{Op: OpClear}},
		{"cle", Command{Op: OpClear}},
		{"class", Command{Op: OpClass}},
		{"cla", Command{Op: OpClass}},
		{"class 21", Command{Op: OpClass, N: 21}},
		{"join", Command{Op: OpJoin}},
		{"j", Command{Op: OpJoin}},
		{"code", Command{Op: OpCode}},
		{"co", Command{Op: OpCode}},
		{"more", Command{Op: OpMore}},
		{"m", Command{Op: OpMore}},
		{"body", Command{Op: OpBody}},
		{"show cookie", Command{Op: OpShowCookie}},
		{"show", Command{Op: OpShowCookie}},
		{"show c", Command{Op: OpShowCookie}},
		{"cookie", Command{Op: OpShowCookie}},
		{"h", Command{Op: OpHint}},
		{"hint", Command{Op: OpHint}},
		{"hint 2", Command{Op: OpHint, N: 2}},
		{"help", Command{Op: OpHelp}},
		{"traffic", Command{Op: OpTraffic}},
		{"traffic 7", Command{Op: OpTraffic, N: 7}},
		{"q", Command{Op: OpQuit}},
		{"quit", Command{Op: OpQuit}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.line)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		line string
		// ambiguous lists the candidates; reason is set for a known
		// command with a bad argument; neither for an unknown word.
		ambiguous []string
		reason    string
	}{
		{"xyzzy", nil, ""},
		{"c", []string{"code", "clear", "challenges", "class"}, ""},
		// class made "cl" ambiguous: it was clear's.
		{"cl", []string{"clear", "class"}, ""},
		{"class 0", nil, "class takes a number from 1"},
		{"class all", nil, "class takes a number from 1"},
		{"join now", nil, "join takes nothing after it"},
		{"st", []string{"stage", "storage"}, ""},
		{"fo", []string{"forge", "form"}, ""},
		{"stage", nil, "Which stage?"},
		{"stage two", nil, "stage takes a number"},
		{"hint 0", nil, "hint takes a number"},
		{"run now", nil, "run takes nothing after it"},
		{"show me", nil, "show takes only the word cookie"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.line)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error = %v, want a ParseError", tt.line, err)
			continue
		}
		if strings.Join(pe.Candidates, ",") != strings.Join(tt.ambiguous, ",") {
			t.Errorf("Parse(%q) candidates = %v, want %v", tt.line, pe.Candidates, tt.ambiguous)
		}
		if !strings.Contains(pe.Reason, tt.reason) || (tt.reason == "") != (pe.Reason == "") {
			t.Errorf("Parse(%q) reason = %q, want it to hold %q", tt.line, pe.Reason, tt.reason)
		}
	}
}

// Every command's word and alias parse back to it, and no two share an
// alias, so the help line never offers a letter that means something else.
func TestCommandTableParsesBack(t *testing.T) {
	aliases := map[string]Op{}
	for _, c := range commandTable() {
		if got, err := Parse(c.word + argExample(c)); err != nil || got.Op != c.op {
			t.Errorf("Parse(%q) = %v, %v; want op %d", c.word, got, err, c.op)
		}
		if c.alias == "" {
			continue
		}
		if op, dup := aliases[c.alias]; dup {
			t.Errorf("alias %q is both %d and %d", c.alias, op, c.op)
		}
		aliases[c.alias] = c.op
		if got, err := Parse(c.alias + argExample(c)); err != nil || got.Op != c.op {
			t.Errorf("Parse(%q) = %v, %v; want op %d", c.alias, got, err, c.op)
		}
	}
	list := CommandList()
	for _, c := range commandTable() {
		if !strings.Contains(list, c.word) {
			t.Errorf("CommandList() = %q, misses %q", list, c.word)
		}
	}
	if n := len(HelpLines()); n != len(commandTable()) {
		t.Errorf("HelpLines() has %d lines, want one per command (%d)", n, len(commandTable()))
	}
}

func argExample(c command) string {
	if c.arg != "" {
		return " 2"
	}
	return ""
}

// No line makes the parser panic, and what it says about a line it does
// not take is printable once escaped.
func FuzzParse(f *testing.F) {
	for _, c := range commandTable() {
		f.Add(c.word)
		f.Add(c.alias + " 3")
	}
	f.Add("show cookie extra")
	f.Add("stage -1")
	f.Add("hint 99999999999999999999")
	f.Add("\x1b[2J\u009b")
	f.Fuzz(func(t *testing.T, line string) {
		cmd, err := Parse(line)
		if err == nil {
			if cmd.Op < OpNone || cmd.Op > OpQuit {
				t.Errorf("Parse(%q) = op %d, out of range", line, cmd.Op)
			}
			return
		}
		for _, r := range esc(err.Error()) {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("Parse(%q): the message keeps control %U", line, r)
			}
		}
	})
}

// A line longer than maxLine is cut, and the next line still arrives.
func TestReadLinesBoundsALine(t *testing.T) {
	in := strings.Repeat("x", 3*maxLine) + "\nrun\r\n"
	lines := make(chan string)
	done := make(chan struct{})
	defer close(done)
	go readLines(strings.NewReader(in), lines, done)
	var got []string
	for l := range lines {
		got = append(got, l)
	}
	if len(got) != 2 || len(got[0]) != maxLine || got[1] != "run" {
		t.Errorf("lines = %d, first of %d bytes, then %q; want the long one cut to %d, then run", len(got), len(got[0]), got[len(got)-1], maxLine)
	}
}
