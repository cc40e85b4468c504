package bench

import (
	"slices"
	"time"
)

// median returns the median of vs (the mean of the middle two for an even
// count); vs is not modified.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// MedianDuration returns the median of ds in microseconds.
func MedianDuration(ds []time.Duration) float64 {
	vs := make([]float64, len(ds))
	for i, d := range ds {
		vs[i] = float64(d) / float64(time.Microsecond)
	}
	return median(vs)
}
