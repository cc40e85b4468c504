package main

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time of the calling OS thread, so that
// benchmarks on a busy machine can report work rather than wall time.
// Callers lock the goroutine to its thread.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
