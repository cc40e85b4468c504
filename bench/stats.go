package bench

import (
	"time"

	"github.com/tollgate/tollgate/bench/resultsfmt"
)

// median returns the median of vs (the mean of the middle two for an even
// count); vs is not modified.
func median(vs []float64) float64 { return resultsfmt.Median(vs) }

// MedianDuration returns the median of ds in microseconds.
func MedianDuration(ds []time.Duration) float64 {
	vs := make([]float64, len(ds))
	for i, d := range ds {
		vs[i] = float64(d) / float64(time.Microsecond)
	}
	return median(vs)
}
