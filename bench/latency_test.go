package bench

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 1000; i++ {
		s = append(s, time.Duration(i)*time.Microsecond)
	}
	for _, tt := range []struct {
		name string
		p    float64
		want time.Duration
	}{
		{"p50", 50, 500 * time.Microsecond},
		{"p99", 99, 990 * time.Microsecond},
		{"p99.9", 99.9, 999 * time.Microsecond},
		{"p100", 100, 1000 * time.Microsecond},
		{"tiny p rounds up to the first", 0.01, time.Microsecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(s, tt.p); got != tt.want {
				t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty sample has a percentile")
	}
}

func TestSummarize(t *testing.T) {
	s := []time.Duration{4 * time.Microsecond, 1 * time.Microsecond, 3 * time.Microsecond, 2 * time.Microsecond}
	l := Summarize(s, 2*time.Second)
	if l.Requests != 4 || l.RPS != 2 || l.MeanUS != 2.5 || l.P50US != 2 || l.MaxUS != 4 || l.P99US != 4 {
		t.Errorf("Summarize = %+v", l)
	}
}
