package accessible

import (
	"fmt"
	"strconv"
	"strings"
)

// Op is an operation the learner can ask for with a typed command.
type Op int

// The operations, the same as the full-screen tutor's keys, plus the ones
// a line-by-line view needs instead of scrolling (more, body, show cookie).
const (
	// OpNone is an empty line.
	OpNone Op = iota
	OpRun
	OpNext
	OpPrevious
	OpList
	// OpStage goes to the stage numbered Command.N, from 1.
	OpStage
	OpTamper
	OpForge
	// OpOther runs the stage's exchange as a second browser with a cookie
	// jar of its own (the full-screen o).
	OpOther
	OpStorage
	OpForm
	OpClear
	// OpHint gives the next hint of the stage's first challenge not done,
	// or of challenge Command.N when N > 0.
	OpHint
	OpChallenges
	OpCode
	OpMore
	OpBody
	OpShowCookie
	OpTraffic
	// OpReset forgets the stage's challenges, answers and hints, after a
	// yes.
	OpReset
	// OpClass says the class (classroom mode): its counts, and its
	// browsers from number Command.N on (from the first when N is 0).
	OpClass
	// OpJoin says how students join the class (classroom mode).
	OpJoin
	OpRepeat
	OpHelp
	OpQuit
)

// command is one command's words and what it does, for parsing and help.
type command struct {
	op Op
	// word is the command's full name; alias its one-letter form, "" when
	// the first letter is ambiguous.
	word, alias string
	// arg names the command's argument in help; "" for none.
	arg  string
	help string
}

// commandTable lists every command, in the order help reads them.
func commandTable() []command {
	return []command{
		{OpRun, "run", "r", "", "send the stage's request and hear the exchange"},
		{OpNext, "next", "n", "", "go to the next stage"},
		{OpPrevious, "previous", "p", "", "go to the stage before"},
		{OpList, "list", "l", "", "list the stages, with what is done"},
		{OpStage, "stage", "", "number", "go to a stage, such as stage 4"},
		{OpRepeat, "again", "a", "", "hear the stage's opening again"},
		{OpMore, "more", "m", "", "hear the rest of the lesson"},
		{OpCode, "code", "", "", "hear the stage's Flask code and the Go code the server runs"},
		{OpBody, "body", "b", "", "hear the last response's body whole"},
		{OpShowCookie, "show cookie", "", "", "hear the last exchange's session cookies whole"},
		{OpTamper, "tamper", "t", "", "change one byte of the session cookie and send it"},
		{OpForge, "forge", "f", "", "forge a session for admin with the lesson's key and send it"},
		{OpOther, "other", "o", "", "run the stage's exchange as a second browser, Grace, with a cookie jar of its own"},
		{OpStorage, "storage", "s", "", "switch where the server keeps sessions: signed cookie, encrypted cookie, database"},
		{OpForm, "form", "", "", "change the name and email the form posts"},
		{OpClear, "clear", "", "", "empty the cookie jar, like a new browser"},
		{OpChallenges, "challenges", "", "", "hear this stage's challenges, to do in your own browser or with curl"},
		{OpHint, "hint", "h", "", "hear the next hint for the first challenge not done; hint 2 for the second challenge"},
		{OpTraffic, "traffic", "", "", "hear the last requests from your browser or curl again; traffic 7 reads request 7 whole"},
		{OpReset, "reset", "", "", "forget this stage's challenges, answers and hints, after a yes"},
		{OpClass, "class", "", "", "with --classroom, hear the class in this stage: the counts, each challenge's, then each student's browser in a line; class 21 goes on from the 21st"},
		{OpJoin, "join", "j", "", "with --classroom, hear again how students join"},
		{OpHelp, "help", "", "", "hear this list"},
		{OpQuit, "quit", "q", "", "save your progress and leave"},
	}
}

// Command is a parsed line.
type Command struct {
	Op Op
	// N is the stage number of OpStage, the challenge number of OpHint
	// (0 for the next one not done), the request number of OpTraffic
	// (0 for the list), or the first browser OpClass lists (0 for the
	// first).
	N int
}

// ParseError is why a line is not a command. Its message says so in a
// sentence and names the commands.
type ParseError struct {
	// Input is the line, as typed (client text: escape it to print).
	Input string
	// Candidates are the commands the line could mean, when it was an
	// ambiguous abbreviation.
	Candidates []string
	// Reason, when set, is what is wrong with a known command's argument.
	Reason string
}

func (e *ParseError) Error() string {
	switch {
	case e.Reason != "":
		return e.Reason
	case len(e.Candidates) > 0:
		return fmt.Sprintf("%q could mean %s: type more of the word.", e.Input, orList(e.Candidates))
	}
	return fmt.Sprintf("%q is not a command.", e.Input)
}

// Parse reads a typed line as a command: a command's word, its one-letter
// alias, or the start of one word that no other word starts with ("prev",
// "sto"). Case and spaces around words do not matter. An empty line is
// OpNone.
func Parse(line string) (Command, error) {
	fields := strings.Fields(strings.ToLower(line))
	if len(fields) == 0 {
		return Command{Op: OpNone}, nil
	}
	// "show cookie" is the one command of two words; "show" alone, or
	// "cookie", mean it too.
	if fields[0] == "show" || fields[0] == "cookie" {
		if len(fields) == 1 || (fields[0] == "show" && len(fields) == 2 && strings.HasPrefix("cookie", fields[1])) {
			return Command{Op: OpShowCookie}, nil
		}
		return Command{}, &ParseError{Input: line, Reason: "show takes only the word cookie: show cookie."}
	}
	head, args := fields[0], fields[1:]
	// A stage number on its own, or written together: "4", "stage4".
	if n, err := strconv.Atoi(strings.TrimPrefix(head, "stage")); err == nil && len(args) == 0 {
		return Command{Op: OpStage, N: n}, nil
	}
	c, err := lookup(head)
	if err != nil {
		err.Input = line
		return Command{}, err
	}
	switch c.op {
	case OpStage, OpHint, OpTraffic, OpClass:
		if len(args) == 0 {
			if c.op == OpStage {
				return Command{}, &ParseError{Input: line, Reason: "Which stage? Type stage and a number, such as stage 4."}
			}
			return Command{Op: c.op}, nil
		}
		n, nerr := strconv.Atoi(args[0])
		if len(args) > 1 || nerr != nil || n < 1 {
			return Command{}, &ParseError{Input: line, Reason: fmt.Sprintf("%s takes a number from 1, such as %s 2.", c.word, c.word)}
		}
		return Command{Op: c.op, N: n}, nil
	}
	if len(args) > 0 {
		return Command{}, &ParseError{Input: line, Reason: fmt.Sprintf("%s takes nothing after it; type %s alone.", c.word, c.word)}
	}
	return Command{Op: c.op}, nil
}

// lookup finds the command a word names.
func lookup(word string) (command, *ParseError) {
	for _, c := range commandTable() {
		if word == c.word || (c.alias != "" && word == c.alias) {
			return c, nil
		}
	}
	var found []command
	for _, c := range commandTable() {
		if len(word) > 1 && strings.HasPrefix(c.word, word) {
			found = append(found, c)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return command{}, &ParseError{Candidates: words(found)}
	}
	// A lone letter that starts more than one command ("c") is ambiguous,
	// not unknown: say which words it could be.
	if len(word) == 1 {
		for _, c := range commandTable() {
			if strings.HasPrefix(c.word, word) {
				found = append(found, c)
			}
		}
		if len(found) > 0 {
			return command{}, &ParseError{Candidates: words(found)}
		}
	}
	return command{}, &ParseError{}
}

func words(cs []command) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.word
	}
	return out
}

// CommandList names every command in one sentence, for an answer to a
// line that is not one: "Commands: run (r), next (n), ...".
func CommandList() string {
	parts := make([]string, len(commandTable()))
	for i, c := range commandTable() {
		parts[i] = c.word
		if c.arg != "" {
			parts[i] += " " + c.arg
		}
		if c.alias != "" {
			parts[i] += " (" + c.alias + ")"
		}
	}
	return "Commands: " + strings.Join(parts, ", ") + "."
}

// HelpLines are the commands, a line each, with what each does.
func HelpLines() []string {
	out := make([]string, len(commandTable()))
	for i, c := range commandTable() {
		w := c.word
		if c.arg != "" {
			w += " " + c.arg
		}
		if c.alias != "" {
			w += ", or " + c.alias
		}
		out[i] = w + ": " + c.help + "."
	}
	return out
}

// orList joins words as "a, b or c".
func orList(ws []string) string { return joinWords(ws, "or") }

// andList joins words as "a, b and c".
func andList(ws []string) string { return joinWords(ws, "and") }

// joinWords joins words with commas, and conj before the last.
func joinWords(ws []string, conj string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " " + conj + " " + ws[len(ws)-1]
}
