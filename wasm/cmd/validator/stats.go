package main

import "runtime"

// memStats is package-level so that reading it does not allocate.
var memStats runtime.MemStats

func readMemStats() { runtime.ReadMemStats(&memStats) }
