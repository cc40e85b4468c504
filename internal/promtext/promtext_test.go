package promtext

import (
	"testing"
	"time"
)

func TestExposition(t *testing.T) {
	h := NewHistogram(time.Millisecond, 10*time.Millisecond)
	for _, d := range []time.Duration{500 * time.Microsecond, time.Millisecond, 5 * time.Millisecond, time.Second} {
		h.Observe(d)
	}
	var w Writer
	w.Header("x_total", "counter", "Things.")
	w.Sample("x_total", 3, "path", `/o/"q"\`+"\n")
	w.Sample("y", 0.5)
	w.Histogram("lat_seconds", h, "path", "/o/token/")
	want := `# HELP x_total Things.
# TYPE x_total counter
x_total{path="/o/\"q\"\\\n"} 3
y 0.5
lat_seconds_bucket{path="/o/token/",le="0.001"} 2
lat_seconds_bucket{path="/o/token/",le="0.01"} 3
lat_seconds_bucket{path="/o/token/",le="+Inf"} 4
lat_seconds_sum{path="/o/token/"} 1.0065
lat_seconds_count{path="/o/token/"} 4
`
	if string(w.B) != want {
		t.Errorf("got\n%s\nwant\n%s", w.B, want)
	}
	if h.Count() != 4 {
		t.Errorf("Count = %d", h.Count())
	}
}

func TestObserveDoesNotAllocate(t *testing.T) {
	h := NewHistogram(time.Millisecond, 10*time.Millisecond)
	if n := testing.AllocsPerRun(100, func() { h.Observe(time.Millisecond) }); n != 0 {
		t.Errorf("Observe allocates %v times", n)
	}
}
