package hugeheap

import "testing"

func TestDisabled(t *testing.T) {
	for _, tc := range []struct {
		godebug string
		want    bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"disablethp=0", false},
		{"gctrace=1,disablethp=1", true},
		{"disablethp=1, disablethp=0", false},
		{"madvdontneed=1", false},
		{"xdisablethp=1", false},
	} {
		if got := disabled(tc.godebug); got != tc.want {
			t.Errorf("disabled(%q) = %v, want %v", tc.godebug, got, tc.want)
		}
	}
}

func TestPrepareThresholds(t *testing.T) {
	if Prepare(0) || Prepare(MinBytes-1) {
		t.Fatal("Prepare acted below MinBytes")
	}
	t.Setenv("GODEBUG", "disablethp=1")
	if Prepare(MaxBytes) {
		t.Fatal("Prepare acted with GODEBUG=disablethp=1")
	}
}
