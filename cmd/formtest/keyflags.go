package main

import (
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// keyFlags are the session-key flags that serve, tutor and inspect-cookie
// share: --secret (repeatable; the first signs, every one verifies),
// --secret-file (one key a line) and FORMTEST_SECRET, which is used only
// when neither flag gives a key.
type keyFlags struct {
	Secrets    []string // --secret, in order
	SecretFile string   // --secret-file
	EnvSecret  string   // FORMTEST_SECRET
}

// keySource says where the keys in use came from.
type keySource string

const (
	keyLesson keySource = "the lesson's key"
	keyFlag   keySource = "--secret"
	keyFile   keySource = "--secret-file"
	keyEnv    keySource = "FORMTEST_SECRET"
)

// register adds --secret and --secret-file to f; secretUsage describes
// --secret for the command at hand.
func (k *keyFlags) register(f *pflag.FlagSet, secretUsage string) {
	f.StringArrayVar(&k.Secrets, "secret", nil, secretUsage)
	f.StringVar(&k.SecretFile, "secret-file", "", "file of keys, one a line (the first signs; # starts a comment)")
}

// readEnv fills in what the environment gives.
func (k *keyFlags) readEnv(getenv func(string) string) {
	k.EnvSecret = getenv("FORMTEST_SECRET")
}

// raw returns the keys as written, in order (--secret first, then
// --secret-file's lines; else FORMTEST_SECRET), and where they came from.
// It returns no keys and no error when none was given.
func (k keyFlags) raw() ([]string, keySource, error) {
	var raw []string
	source := keyFlag
	raw = append(raw, k.Secrets...)
	if k.SecretFile != "" {
		b, err := os.ReadFile(k.SecretFile)
		if err != nil {
			return nil, "", usageErrorf("--secret-file: %w", err)
		}
		n := len(raw)
		for line := range strings.Lines(string(b)) {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				raw = append(raw, line)
			}
		}
		if len(raw) == n {
			return nil, "", usageErrorf("--secret-file %s holds no key", k.SecretFile)
		}
		if len(k.Secrets) == 0 {
			source = keyFile
		}
	}
	if len(raw) == 0 && k.EnvSecret != "" {
		return []string{k.EnvSecret}, keyEnv, nil
	}
	return raw, source, nil
}

// noColor reports whether the user asked for no colour: NO_COLOR set to
// anything but the empty string, as no-color.org defines it. It is the one
// rule every command follows.
func noColor(getenv func(string) string) bool {
	return getenv("NO_COLOR") != ""
}
