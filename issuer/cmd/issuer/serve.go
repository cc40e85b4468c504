package main

import "errors"

// serve runs the issuer: `issuer serve --addr ADDR --db PATH [--issuer URL]
// [--audience A]`. Not wired yet: the HTTP server's owner fills this in.
func serve(args []string) error {
	_ = args
	return errors.New("serve: not wired yet")
}
