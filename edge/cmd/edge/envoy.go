package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tollgate/tollgate/edge/envoyconfig"
)

// runEnvoyConfig prints an Envoy (≥ 1.33) configuration that loads
// envoy.wasm with the policy in --policy as its plugin configuration.
func runEnvoyConfig(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("edge envoy-config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var policyFile, wasmPath string
	var o envoyconfig.Options
	fs.StringVar(&policyFile, "policy", "", "policy document (JSON), required")
	fs.StringVar(&wasmPath, "wasm", "/etc/envoy/envoy.wasm", "path of envoy.wasm as Envoy sees it")
	fs.StringVar(&o.Listen, "listen", envoyconfig.DefaultListen, "address Envoy serves on")
	fs.StringVar(&o.Upstream, "upstream", "http://127.0.0.1:8080", "URL of the protected service")
	fs.StringVar(&o.Admin, "admin", "127.0.0.1:9901", "Envoy admin address")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if policyFile == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "edge envoy-config: --policy FILE is required (and no arguments)")
		return 2
	}
	policy, err := os.ReadFile(policyFile)
	if err != nil {
		fmt.Fprintf(stderr, "edge envoy-config: %v\n", err)
		return 1
	}
	out, err := envoyconfig.Render(policy, wasmPath, &o)
	if err != nil {
		fmt.Fprintf(stderr, "edge envoy-config: %v\n", err)
		return 2
	}
	if _, err := stdout.Write(out); err != nil {
		return 1
	}
	return 0
}
