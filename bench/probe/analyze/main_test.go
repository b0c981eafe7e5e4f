package main

import (
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	for _, tc := range []struct {
		name  string
		spans []span
		want  stats
	}{
		{name: "none", want: stats{}},
		{name: "one after the other", spans: []span{{at(0), at(10)}, {at(10), at(20)}, {at(20), at(30)}},
			want: stats{maxInFlight: 1, maxPerSecond: 3, meanRate: 100}},
		{name: "three overlap", spans: []span{{at(0), at(100)}, {at(10), at(50)}, {at(20), at(30)}, {at(200), at(210)}},
			want: stats{maxInFlight: 3, maxPerSecond: 4, meanRate: 15}},
		{name: "a second apart", spans: []span{{at(0), at(1)}, {at(1000), at(1001)}, {at(1500), at(1501)}},
			want: stats{maxInFlight: 1, maxPerSecond: 2, meanRate: 4.0 / 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := summarize(tc.spans); got != tc.want {
				t.Errorf("summarize = %+v, want %+v", got, tc.want)
			}
		})
	}
}
