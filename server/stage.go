package server

import (
	"fmt"
	"strings"
)

// Stage is one step of the lesson. Each stage answers POST /users and
// GET /show with a different handler, as the lesson's Flask code changes.
type Stage string

// The lesson's stages, in teaching order.
const (
	// StageHardcoded renders /show with values written into the handler and
	// keeps no session: POST /users reads the form, logs it and forgets it.
	StageHardcoded Stage = "hardcoded"
	// StageSession stores the form in the session; the /show handler reads
	// the session and hands the values to the template.
	StageSession Stage = "session"
	// StageTemplate stores the form in the session; the /show handler passes
	// the session itself and the template reads it.
	StageTemplate Stage = "template"
	// StageGrow is stage 3 with a session that grows: every post also adds
	// its note to a list in the session, until the session no longer fits
	// in a cookie. It teaches keeping only what a session needs.
	StageGrow Stage = "grow"
)

// Stages returns the stages in teaching order.
func Stages() []Stage {
	return []Stage{StageHardcoded, StageSession, StageTemplate, StageGrow}
}

// ParseStage returns the stage named s, accepting any letter case.
func ParseStage(s string) (Stage, error) {
	for _, st := range Stages() {
		if strings.EqualFold(s, string(st)) {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown stage %q (want one of: hardcoded, session, template, grow)", s)
}

// String returns the stage's name.
func (s Stage) String() string { return string(s) }
