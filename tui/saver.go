package tui

import (
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons/engine"
)

// saver runs progress saves, which Bubble Tea may run concurrently, one at
// a time and never older over newer.
type saver struct {
	save func(engine.Progress) error

	mu      sync.Mutex
	next    uint64 // sequence number of the latest save asked for
	written uint64 // sequence number of the latest save done
}

func newSaver(save func(engine.Progress) error) *saver {
	if save == nil {
		return nil
	}
	return &saver{save: save}
}

// cmd returns a command that saves p unless a newer save got there first.
func (s *saver) cmd(p engine.Progress) tea.Cmd {
	s.mu.Lock()
	s.next++
	seq := s.next
	s.mu.Unlock()
	return func() tea.Msg {
		s.mu.Lock()
		defer s.mu.Unlock()
		if seq < s.written {
			return nil
		}
		s.written = seq
		return savedMsg{s.save(p)}
	}
}
