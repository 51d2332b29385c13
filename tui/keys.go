package tui

import "charm.land/bubbles/v2/key"

// KeyMap holds the tutor's key bindings. It implements help.KeyMap.
type KeyMap struct {
	Run   key.Binding
	Next  key.Binding
	Prev  key.Binding
	Form  key.Binding
	Focus key.Binding
	View  key.Binding
	Whole key.Binding
	Clear key.Binding
	List  key.Binding
	// Tamper changes the jar's session cookie and sends it; Forge signs a
	// session with the lesson's key and sends it; Storage switches where
	// the server keeps sessions.
	Tamper   key.Binding
	Forge    key.Binding
	Storage  key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Help     key.Binding
	Quit     key.Binding
	// ForceQuit quits from any mode, the form's included.
	ForceQuit key.Binding
	// FocusBack moves the focus to the pane before.
	FocusBack key.Binding

	// Back closes the stage list or the form; Accept confirms them.
	Back   key.Binding
	Accept key.Binding
	// NextField and PrevField move between the form's fields.
	NextField key.Binding
	PrevField key.Binding

	// ChallengeKeys are the keys of the challenges (challenges.go).
	ChallengeKeys
}

// DefaultKeyMap returns the tutor's default key bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Run:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		Next:      key.NewBinding(key.WithKeys("n", "right"), key.WithHelp("n/→", "next")),
		Prev:      key.NewBinding(key.WithKeys("p", "left"), key.WithHelp("p/←", "prev")),
		Form:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "form")),
		Focus:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "pane")),
		FocusBack: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "pane before")),
		View:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "text/Flask/Go")),
		Whole:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "whole values")),
		Clear:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "clear jar")),
		List:      key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "stages")),
		Tamper:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tamper cookie")),
		Forge:     key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "forge admin")),
		Storage:   key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "storage")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn", "page down")),
		Top:       key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home", "top")),
		Bottom:    key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end", "bottom")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "keys")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Accept:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),

		ChallengeKeys: defaultChallengeKeys(),
	}
}

// ShortHelp returns the bindings of the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Run, k.Next, k.Prev, k.Help, k.Quit, k.Focus, k.Form, k.List}
}

// FullHelp returns every binding, in three columns that fit 60 cells;
// the challenges' keys end the first and the last.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Run, k.Next, k.Prev, k.List, k.Storage, k.Help, k.Quit, k.Hint, k.Answer},
		{k.Form, k.Clear, k.Tamper, k.Forge, k.View, k.Whole, k.Focus, k.FocusBack, k.Second},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Reset, k.Finish},
	}
}

// stageKeys are the keys of the stages about where sessions are kept,
// which their lessons ask the learner to press: the second help line of
// those stages.
func (k KeyMap) stageKeys() []key.Binding {
	return []key.Binding{withHelp(k.Clear, "clear jar"), withHelp(k.Tamper, "tamper"), withHelp(k.Forge, "forge"), k.Storage}
}

// listKeys is the help shown while the stage list is open.
type listKeys struct{ k *KeyMap }

func (l listKeys) ShortHelp() []key.Binding {
	return []key.Binding{l.k.Up, l.k.Down, withHelp(l.k.Accept, "go to stage"), withHelp(l.k.Back, "close"), l.k.Quit}
}

func (l listKeys) FullHelp() [][]key.Binding { return [][]key.Binding{l.ShortHelp()} }

// formKeys is the help shown while the form is being edited.
type formKeys struct{ k *KeyMap }

func (f formKeys) ShortHelp() []key.Binding {
	return []key.Binding{f.k.NextField, withHelp(f.k.Accept, "save"), withHelp(f.k.Back, "cancel")}
}

func (f formKeys) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

// withHelp returns b with a different description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
