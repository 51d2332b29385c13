package engine

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestProgressRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "formtest", "tutor.json")
	p, note := LoadProgress(path)
	if !reflect.DeepEqual(p, Progress{}) || !strings.Contains(note, "Welcome") {
		t.Errorf("LoadProgress(missing) = %+v, %q; want a fresh start with a welcome", p, note)
	}
	want := Progress{Current: "session", Done: []string{"hardcoded"}}
	if err := SaveProgress(path, want); err != nil {
		t.Fatalf("SaveProgress: %v", err)
	}
	got, note := LoadProgress(path)
	want.Version = progressVersion
	if !reflect.DeepEqual(got, want) || note != "" {
		t.Errorf("LoadProgress = %+v, %q; want %+v and no note", got, note, want)
	}
	if !got.IsDone("hardcoded") || got.IsDone("session") {
		t.Errorf("IsDone wrong for %+v", got)
	}
	if p := got.markDone("session").markDone("session"); len(p.Done) != 2 || len(got.Done) != 1 {
		t.Errorf("markDone twice = %v (original now %v)", p.Done, got.Done)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("state dir holds %d files, want only tutor.json (no temporary files left)", len(entries))
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("state dir mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
}

func TestProgressCorrupt(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"garbage":     "{not json",
		"old version": `{"version": 99, "current": "session"}`,
		"empty":       "",
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		os.WriteFile(path, []byte(content), 0o600)
		p, note := LoadProgress(path)
		if !reflect.DeepEqual(p, Progress{}) || !strings.Contains(note, "starting afresh") {
			t.Errorf("%s: LoadProgress = %+v, %q; want a fresh start with a note", name, p, note)
		}
	}
	// A directory where the file should be cannot be read, nor written.
	p, note := LoadProgress(dir)
	if !reflect.DeepEqual(p, Progress{}) || !strings.Contains(note, "starting at stage 1") {
		t.Errorf("LoadProgress(dir) = %+v, %q", p, note)
	}
	if err := SaveProgress(dir, Progress{}); err == nil {
		t.Error("SaveProgress over a directory succeeded")
	}
	if p, note := LoadProgress(""); !reflect.DeepEqual(p, Progress{}) || note != "" {
		t.Errorf(`LoadProgress("") = %+v, %q`, p, note)
	}
}
