package engine

// String names an outcome, for logs and test failures; views choose their
// own words by the value.
func (o Outcome) String() string {
	return name(int(o), "stopped", "failed", "no cookie", "set", "set and returned", "sent unused", "grew", "too large")
}

// String names a verdict.
func (v Verdict) String() string { return name(int(v), "unknown", "no cookie", "accepted", "rejected") }

// String names an attack.
func (k AttackKind) String() string { return name(int(k), "none", "tamper", "forge") }

// String names a check.
func (c Check) String() string {
	return name(int(c), "undecodable", "bad signature", "unchecked", "expired", "valid")
}

// String names an event kind.
func (k EventKind) String() string {
	return name(int(k), "new browser", "run", "attack", "grow start", "grow run", "no database", "storage")
}

// name returns names[i], or a placeholder for a value out of range.
func name(i int, names ...string) string {
	if i < 0 || i >= len(names) {
		return "?"
	}
	return names[i]
}
