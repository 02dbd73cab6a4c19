package answer

import "testing"

func TestJoinable(t *testing.T) {
	for _, tc := range []struct {
		prev, next string
		want       bool
	}{
		{"I've lost control", "of my bladder", true},
		{"i cant feel", "my legs", true},
		{"my legs are", "numb", true},
		{"I can't feel my", "legs", true},
		{"Had my injection yesterday", "Temperature in the waiting room is freezing", false},
		{"Should I empty my bladder before the scan", "Will I feel numb after the injection?", false},
		{"I hurt myself lifting a box.", "and I want the pain to end", false}, // a whole sentence
		{"how long is the recovery?", "of the neck", false},
		{"", "of my bladder", false},
		{"I have had a sore back for a very long time now and", "my legs", false}, // too long
	} {
		if got := joinable(tc.prev, tc.next); got != tc.want {
			t.Errorf("joinable(%q, %q) = %v, want %v", tc.prev, tc.next, got, tc.want)
		}
	}
}
