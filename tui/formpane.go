package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons/engine"
)

// formPane edits the demo form posted to POST /users.
type formPane struct {
	st     *Styles
	keys   *KeyMap
	form   engine.Form
	inputs [2]textinput.Model
	field  int
	width  int
}

func newFormPane(st *Styles, keys *KeyMap, form engine.Form) *formPane {
	p := &formPane{st: st, keys: keys, form: form}
	for i := range p.inputs {
		p.inputs[i] = textinput.New()
		p.inputs[i].CharLimit = 200
		p.inputs[i].SetVirtualCursor(false) // the real cursor: no blink timer
	}
	p.inputs[0].Prompt, p.inputs[1].Prompt = "name:  ", "email: "
	return p
}

func (p *formPane) applyStyles() {
	for i := range p.inputs {
		p.inputs[i].SetStyles(p.st.Input)
	}
}

// values returns the form as last saved.
func (p *formPane) values() engine.Form { return p.form }

// open starts editing the saved values, at the first field.
func (p *formPane) open() tea.Cmd {
	p.field = 0
	p.inputs[0].SetValue(p.form.Name)
	p.inputs[1].SetValue(p.form.Email)
	p.inputs[1].Blur()
	return p.inputs[0].Focus()
}

// accept saves what was typed and returns it.
func (p *formPane) accept() engine.Form {
	p.form = engine.Form{Name: strings.TrimSpace(p.inputs[0].Value()), Email: strings.TrimSpace(p.inputs[1].Value())}
	return p.form
}

// Update moves between the fields or types into one.
func (p *formPane) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && (key.Matches(k, p.keys.NextField) || key.Matches(k, p.keys.PrevField)) {
		p.inputs[p.field].Blur()
		p.field = 1 - p.field
		return p.inputs[p.field].Focus()
	}
	var cmd tea.Cmd
	p.inputs[p.field], cmd = p.inputs[p.field].Update(msg)
	return cmd
}

// View draws the form editor: a title and the two fields.
func (p *formPane) View() string {
	title := p.st.Section.Render(fold("Demo form posted to POST /users (tab: next field, enter: save, esc: cancel)", p.width))
	return strings.Join([]string{title, fold(p.inputs[0].View(), p.width), fold(p.inputs[1].View(), p.width)}, "\n")
}

// cursor is the real cursor's place, from the form's first field.
func (p *formPane) cursor() *tea.Cursor {
	c := p.inputs[p.field].Cursor()
	if c != nil {
		c.Y += p.field
	}
	return c
}

func (p *formPane) SetSize(width, _ int) { p.width = width }

func (p *formPane) ShortHelp() []key.Binding { return formKeys{p.keys}.ShortHelp() }
