// Command issuer is Tollgate's OAuth 2.0 / OpenID Connect issuer: `issuer
// serve` runs it; `issuer client|user|keys …` administer its store, directly
// or, while serve holds the database, through the admin socket beside it.
//
// Run `issuer help` for the commands. Exit status: 0 success, 1 failure,
// 2 misuse (bad flags or arguments, invalid or duplicate records).
package main

import (
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// env is what a command reads and writes instead of the os globals, so tests
// run commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}
