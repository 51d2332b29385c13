package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons/engine"
)

// stageList lists the stages, done ones marked, for jumping to one.
type stageList struct {
	st     *Styles
	keys   *KeyMap
	stages []engine.Stage
	// progress and current are what the list marks; sel is the selection.
	progress engine.Progress
	current  int
	sel      int
	width    int
	height   int
	// counts, when set, gives a stage's challenges done and in all.
	counts func(stage string) (done, total int)
}

// open opens the list on the current stage.
func (l *stageList) open(current int) { l.current, l.sel = current, current }

// setProgress gives the list the progress to mark.
func (l *stageList) setProgress(p engine.Progress) { l.progress = p }

func (l *stageList) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, l.keys.Up):
			l.sel = max(0, l.sel-1)
		case key.Matches(msg, l.keys.Down):
			l.sel = min(len(l.stages)-1, l.sel+1)
		}
	}
	return nil
}

// View draws the list.
func (l *stageList) View() string {
	lines := []string{l.st.Section.Render(fold("Stages (enter goes to one, esc closes)", l.width)), ""}
	done := 0
	for i, s := range l.stages {
		isDone := l.progress.IsDone(s.Key)
		mark := "[ ]"
		if isDone {
			mark = "[✓]"
			done++
		}
		cur := "  "
		if i == l.current {
			cur = "▸ "
		}
		text := fmt.Sprintf("%s%s Stage %d: %s", cur, mark, i+1, s.Lesson.Title)
		if l.counts != nil {
			if d, n := l.counts(s.Key); n > 0 {
				text += fmt.Sprintf(" · %d/%d challenges", d, n)
			}
		}
		line := fold(text, l.width)
		switch {
		case i == l.sel:
			line = l.st.Selected.Render(line)
		case isDone:
			line = l.st.Done.Render(line)
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", l.st.Subtle.Render(fold(fmt.Sprintf("%d of %d stages done. ▸ marks the current stage.", done, len(l.stages)), l.width)))
	return strings.Join(lines, "\n")
}

func (l *stageList) SetSize(width, height int) { l.width, l.height = width, height }

func (l *stageList) ShortHelp() []key.Binding { return listKeys{l.keys}.ShortHelp() }
