//go:build !linux

package main

import "time"

// threadCPU is unavailable here: benchmarks report wall time only.
func threadCPU() time.Duration { return 0 }
