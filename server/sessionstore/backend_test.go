package sessionstore

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// testBackend checks the Backend contract every implementation shares.
func testBackend(t *testing.T, b Backend) {
	t.Helper()
	ctx := context.Background()

	if _, ok, err := b.Load(ctx, "missing"); ok || err != nil {
		t.Fatalf("Load(missing) = ok %v, err %v; want false, nil", ok, err)
	}
	if _, ok, err := b.Row(ctx, "missing"); ok || err != nil {
		t.Fatalf("Row(missing) = ok %v, err %v; want false, nil", ok, err)
	}

	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	if err := b.Save(ctx, "a", []byte("one"), exp); err != nil {
		t.Fatalf("Save(a): %v", err)
	}
	data, ok, err := b.Load(ctx, "a")
	if err != nil || !ok || string(data) != "one" {
		t.Fatalf("Load(a) = %q, %v, %v; want \"one\", true, nil", data, ok, err)
	}
	row, ok, err := b.Row(ctx, "a")
	if err != nil || !ok {
		t.Fatalf("Row(a) = ok %v, err %v", ok, err)
	}
	if row.ID != "a" || string(row.Data) != "one" || row.Where == "" {
		t.Errorf("Row(a) = %+v, want ID a, Data one and a Where", row)
	}
	if d := row.Expires.Sub(exp).Abs(); d > 5*time.Millisecond {
		t.Errorf("Row(a).Expires = %v, want %v", row.Expires, exp)
	}

	// Save replaces.
	if err := b.Save(ctx, "a", []byte("two"), exp); err != nil {
		t.Fatalf("Save(a) again: %v", err)
	}
	if data, _, _ := b.Load(ctx, "a"); string(data) != "two" {
		t.Errorf("Load(a) after replace = %q, want \"two\"", data)
	}

	// Binary and empty data survive unchanged.
	bin := []byte{0, 1, 2, 0xff, '\r', '\n'}
	if err := b.Save(ctx, "bin", bin, exp); err != nil {
		t.Fatalf("Save(bin): %v", err)
	}
	if data, ok, err := b.Load(ctx, "bin"); !ok || err != nil || !bytes.Equal(data, bin) {
		t.Errorf("Load(bin) = %q, %v, %v; want %q", data, ok, err, bin)
	}
	if err := b.Save(ctx, "empty", nil, exp); err != nil {
		t.Fatalf("Save(empty): %v", err)
	}
	if data, ok, err := b.Load(ctx, "empty"); !ok || err != nil || len(data) != 0 {
		t.Errorf("Load(empty) = %q, %v, %v; want \"\", true, nil", data, ok, err)
	}

	// An expiry in the past is never loaded.
	if err := b.Save(ctx, "old", []byte("x"), time.Now().Add(-time.Second)); err != nil {
		t.Fatalf("Save(old): %v", err)
	}
	if _, ok, err := b.Load(ctx, "old"); ok || err != nil {
		t.Errorf("Load(expired) = ok %v, err %v; want false, nil", ok, err)
	}

	if err := b.Delete(ctx, "a"); err != nil {
		t.Fatalf("Delete(a): %v", err)
	}
	if _, ok, err := b.Load(ctx, "a"); ok || err != nil {
		t.Errorf("Load(a) after Delete = ok %v, err %v; want false, nil", ok, err)
	}
	if _, ok, _ := b.Row(ctx, "a"); ok {
		t.Errorf("Row(a) after Delete: ok, want none")
	}
	if err := b.Delete(ctx, "a"); err != nil {
		t.Errorf("Delete(a) twice = %v, want nil", err)
	}
}
