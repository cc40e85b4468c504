// Command emptyguest is a standard-Go WebAssembly reactor with no code of
// its own: BenchmarkModuleStart builds it (GOOS=wasip1 GOARCH=wasm
// -buildmode=c-shared, as validator.wasm) to measure the floor under any
// standard-Go module's start — the Go runtime alone.
package main

func main() {}
