package bench

import (
	"math"
	"slices"
	"time"
)

// Summarize computes the summary of samples taken over window. It sorts
// samples in place. Percentiles use the nearest-rank method.
func Summarize(samples []time.Duration, window time.Duration) Latency {
	l := Latency{Requests: len(samples), Seconds: window.Seconds()}
	if len(samples) == 0 {
		return l
	}
	slices.Sort(samples)
	var sum time.Duration
	for _, s := range samples {
		sum += s
	}
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	l.MeanUS = us(sum) / float64(len(samples))
	l.P50US = us(Percentile(samples, 50))
	l.P90US = us(Percentile(samples, 90))
	l.P99US = us(Percentile(samples, 99))
	l.P999US = us(Percentile(samples, 99.9))
	l.MaxUS = us(samples[len(samples)-1])
	if window > 0 {
		l.RPS = float64(len(samples)) / window.Seconds()
	}
	return l
}

// Percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of
// sorted, or 0 when it is empty.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p*float64(len(sorted))/100 - 1e-9)) // epsilon: 99.9 % of 1000 is 999, not 999.0000000000001
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}
