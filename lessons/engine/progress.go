package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// progressVersion is the format version of the progress file.
const progressVersion = 1

// Progress is what the tutor remembers between runs: the stage the learner
// was on and the stages they have run.
type Progress struct {
	Version int `json:"version"`
	// Current is the stage name the learner was on.
	Current string `json:"current"`
	// Done are the stage names whose exchange the learner has run.
	Done []string `json:"done"`
	// Challenges are the challenges the learner has done outside the
	// tutor, in the order done, and Predictions their answers to the
	// stages' questions. Package lessons/check keeps them.
	Challenges  []ChallengeDone    `json:"challenges,omitempty"`
	Predictions []PredictionAnswer `json:"predictions,omitempty"`
}

// ChallengeDone is a challenge the tutor saw done.
type ChallengeDone struct {
	// ID is the challenge's id; Stage its stage's name.
	ID    string `json:"id"`
	Stage string `json:"stage"`
	// Said is what the tutor said it saw; Seqs are the server's numbers
	// of the requests that proved it.
	Said string   `json:"said"`
	Seqs []uint64 `json:"requests,omitempty"`
	// At is when it was seen.
	At time.Time `json:"at"`
}

// PredictionAnswer is the learner's answer to a stage's question.
type PredictionAnswer struct {
	// ID is the prediction's id; Stage its stage's name.
	ID    string `json:"id"`
	Stage string `json:"stage"`
	// Choice is the answer picked, from 1; Right whether it was right.
	Choice int  `json:"choice"`
	Right  bool `json:"right"`
}

// IsDone reports whether stage is done.
func (p Progress) IsDone(stage string) bool { return slices.Contains(p.Done, stage) }

// markDone returns p with stage marked done.
func (p Progress) markDone(stage string) Progress {
	if p.IsDone(stage) {
		return p
	}
	p.Done = append(slices.Clone(p.Done), stage)
	return p
}

// LoadProgress reads the progress file at path. It never fails: a missing,
// unreadable or corrupt file means starting afresh, and note says why in a
// sentence for the learner ("" when the file loaded, or when path is "").
func LoadProgress(path string) (p Progress, note string) {
	if path == "" {
		return Progress{}, ""
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Progress{}, "Welcome! Your progress will be saved as you go."
	case err != nil:
		return Progress{}, fmt.Sprintf("Could not read your saved progress (%v); starting at stage 1.", err)
	}
	if err := json.Unmarshal(b, &p); err != nil || p.Version != progressVersion {
		return Progress{}, fmt.Sprintf("Saved progress was unreadable, so starting afresh at stage 1 (%s).", path)
	}
	return p, ""
}

// SaveProgress writes p to path, creating its directory. It writes a
// temporary file and renames it, so a crash never leaves half a file.
func SaveProgress(path string, p Progress) error {
	p.Version = progressVersion
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	f, err := os.CreateTemp(dir, ".progress-*")
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	_, werr := f.Write(append(b, '\n'))
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("save progress: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("save progress: %w", err)
	}
	return nil
}
