package bench

import (
	"reflect"
	"testing"
)

const goTestOutput = `goos: linux
goarch: amd64
pkg: github.com/tollgate/tollgate/bench
cpu: AMD EPYC
BenchmarkValidate/native/ES256/cached-2         	  283897	       747.0 ns/op	 697.49 MB/s	       0 B/op	       0 allocs/op
BenchmarkValidate/native/ES256/cached-2         	  283897	       751.0 ns/op	 697.49 MB/s	       0 B/op	       0 allocs/op
BenchmarkValidate/native/ES256/cached-2         	  283897	       800.0 ns/op	 697.49 MB/s	       0 B/op	       0 allocs/op
--- SKIP: BenchmarkValidate/wazero-tinygo
    main_test.go:118: bench: module not built: bin/validator-tinygo.wasm (the TinyGo toolchain builds it)
BenchmarkGuestCached/standard/RS256-2   	   64575	      8767 ns/op	         0 guest-allocs/op	       0 B/op	       0 allocs/op
PASS
ok  	github.com/tollgate/tollgate/bench	10.679s
`

func TestParseGoBench(t *testing.T) {
	list, skips := ParseGoBench(goTestOutput)
	if len(list) != 2 {
		t.Fatalf("%d benchmarks, want 2: %+v", len(list), list)
	}
	v := list[0]
	if v.Name != "BenchmarkValidate/native/ES256/cached" || len(v.Runs) != 3 {
		t.Fatalf("first = %s with %d runs", v.Name, len(v.Runs))
	}
	if got, _ := v.Median("ns/op"); got != 751 {
		t.Errorf("median ns/op = %v, want 751", got)
	}
	if got, ok := v.Median("MB/s"); !ok || got != 697.49 {
		t.Errorf("MB/s = %v %v", got, ok)
	}
	if _, ok := v.Median("guest-allocs/op"); ok {
		t.Error("a unit no run reported has a median")
	}
	g := list[1]
	if want := map[string]float64{"ns/op": 8767, "guest-allocs/op": 0, "B/op": 0, "allocs/op": 0}; !reflect.DeepEqual(g.Runs[0], want) {
		t.Errorf("custom metric run = %v, want %v", g.Runs[0], want)
	}
	wantSkip := []GoSkip{{Name: "BenchmarkValidate/wazero-tinygo", Reason: "bench: module not built: bin/validator-tinygo.wasm (the TinyGo toolchain builds it)"}}
	if !reflect.DeepEqual(skips, wantSkip) {
		t.Errorf("skips = %+v, want %+v", skips, wantSkip)
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []float64
		want float64
	}{
		{"empty", nil, 0},
		{"odd", []float64{3, 1, 2}, 2},
		{"even", []float64{4, 1, 3, 2}, 2.5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.in...)
			if got := median(in); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.in) && tt.in != nil {
				t.Errorf("median modified its input: %v", in)
			}
		})
	}
}
