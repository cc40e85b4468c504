package main

import (
	"fmt"
	"math"
)

// us formats a duration given in microseconds.
func us(v float64) string {
	a := math.Abs(v)
	switch {
	case a < 10:
		return fmt.Sprintf("%.2f µs", v)
	case a < 1000:
		return fmt.Sprintf("%.1f µs", v)
	case a < 1e6:
		return fmt.Sprintf("%.2f ms", v/1e3)
	}
	return fmt.Sprintf("%.2f s", v/1e6)
}

// signedUS formats a difference in microseconds with its sign.
func signedUS(v float64) string {
	if v >= 0 {
		return "+" + us(v)
	}
	return "−" + us(-v)
}

// times formats a ratio.
func times(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return "—"
	case r < 10:
		return fmt.Sprintf("%.2f×", r)
	case r < 100:
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.0f×", r)
}

// count formats a large number with thin grouping.
func count(v float64) string {
	n := int64(math.Round(v))
	s := fmt.Sprint(n)
	out := ""
	for len(s) > 3 {
		out = "\u202f" + s[len(s)-3:] + out
		s = s[:len(s)-3]
	}
	return s + out
}

func nan() float64 { return math.NaN() }
