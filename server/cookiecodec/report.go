package cookiecodec

import "time"

// Report is the JSON form of a decoded cookie, as inspect-cookie --json
// prints it. Values use the fixtures' conventions: {"$bytes": hex},
// {"$datetime": ...}, {"$uuid": ...}, {"$markup": ...}, and "$type" for a
// struct.
type Report struct {
	Format     Format         `json:"format"`
	Name       string         `json:"name"`
	Signature  Verdict        `json:"signature"`
	Reason     string         `json:"reason,omitempty"`
	WeakKey    *string        `json:"weak_key,omitempty"`
	Expired    bool           `json:"expired"`
	IssuedAt   *string        `json:"issued_at"`
	ExpiresAt  *string        `json:"expires_at"`
	NotBefore  *string        `json:"not_before,omitempty"`
	Algorithm  string         `json:"algorithm,omitempty"`
	Encrypted  bool           `json:"encrypted"`
	Compressed bool           `json:"compressed"`
	Size       int            `json:"size"`
	Values     map[string]any `json:"values"`
	SessionID  *string        `json:"session_id"`
	Attributes *Attributes    `json:"attributes"`
	Warnings   []string       `json:"warnings"`
	Error      *string        `json:"error"`
}

// NewReport makes the Report of res (which may be nil) and the error
// Decode returned with it.
func NewReport(res *Result, err error) Report {
	r := Report{Signature: Unchecked, Warnings: []string{}}
	if err != nil {
		s := err.Error()
		r.Error = &s
	}
	if res == nil {
		return r
	}
	r.Format, r.Name, r.Signature, r.Reason = res.Format, res.Name, res.Signature, res.Reason
	r.Expired, r.Encrypted, r.Compressed, r.Size = res.Expired, res.Encrypted, res.Compressed, res.Size
	r.Values, r.Attributes = res.Values, res.Attributes
	if !res.IssuedAt.IsZero() {
		s := res.IssuedAt.UTC().Format(time.RFC3339)
		r.IssuedAt = &s
	}
	if !res.ExpiresAt.IsZero() {
		s := res.ExpiresAt.UTC().Format(time.RFC3339)
		r.ExpiresAt = &s
	}
	if !res.NotBefore.IsZero() {
		s := res.NotBefore.UTC().Format(time.RFC3339)
		r.NotBefore = &s
	}
	r.Algorithm = res.Parts.Algorithm
	if res.SessionID != "" {
		r.SessionID = &res.SessionID
	}
	r.Warnings = append(r.Warnings, res.Warnings...)
	return r
}
