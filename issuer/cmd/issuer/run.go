package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitMisuse  = 2
)

// groups maps `issuer GROUP SUB` to the subcommands' functions.
var groups = map[string]map[string]func(e *env, args []string) error{
	"client": {"add": clientAdd, "list": clientList, "show": clientShow, "update": clientUpdate, "delete": clientDelete},
	"user":   {"add": userAdd, "list": userList, "delete": userDelete, "passwd": userPasswd},
	"keys":   {"list": keysList, "rotate": keysRotate},
	"grants": {"list": grantsList, "revoke": grantsRevoke},
}

// run executes the command line args (without the program name) and
// returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	err := dispatch(e, args)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	}
	msg := newPrinter(stderr)
	msg.f("issuer: %v\n", err)
	var u *usageError
	if errors.As(err, &u) && u.synopsis != "" {
		msg.f("usage: %s\nRun '%s -h' for details.\n", u.synopsis, u.cmd)
	}
	if errors.As(err, &u) || errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrDuplicate) {
		return exitMisuse
	}
	return exitFailure
}

func dispatch(e *env, args []string) error {
	if len(args) == 0 {
		newPrinter(e.stderr).f("%s", usageText)
		return &usageError{msg: "no command given"}
	}
	switch name := args[0]; name {
	case "help", "-h", "-help", "--help":
		out := newPrinter(e.stdout)
		out.f("%s", usageText)
		if err := out.done(); err != nil {
			return err
		}
		return errHelp
	case "serve":
		return serve(e, args[1:])
	default:
		subs, ok := groups[name]
		if !ok {
			return &usageError{msg: fmt.Sprintf("unknown command %q; run 'issuer help'", name)}
		}
		names := sortedKeys(subs)
		if len(args) < 2 {
			return &usageError{msg: fmt.Sprintf("%s: missing subcommand (%s)", name, strings.Join(names, ", "))}
		}
		fn, ok := subs[args[1]]
		if !ok {
			return &usageError{msg: fmt.Sprintf("%s: unknown subcommand %q (want %s)", name, args[1], strings.Join(names, ", "))}
		}
		return fn(e, args[2:])
	}
}

// usageError is a misuse of the command line: exit status 2.
type usageError struct {
	cmd      string // "issuer client add"; "" for the top level
	synopsis string // the command's usage line, printed after the message
	msg      string
}

func (u *usageError) Error() string {
	if u.cmd == "" {
		return u.msg
	}
	return strings.TrimPrefix(u.cmd, "issuer ") + ": " + u.msg
}

// errHelp reports that help was requested and printed: exit status 0.
var errHelp = errors.New("help requested")

const usageText = `usage: issuer <command> [flags]

Commands:
  serve --addr 127.0.0.1:9000 --db ./data/issuer.db [--issuer URL] [--audience api]
        run the issuer
  client add --db PATH --name N --grant G[,G...] [--redirect-uri U]... [--scope "a b"]
        [--public] [--skip-authorization] [--audience A]... [--alg ES256] [--token-ttl 1h] [--json]
        register a client; its secret is printed once
  client list|show ID|delete ID --db PATH [--json]
  user add --db PATH --username U --password-stdin [--json]
  user passwd USER --db PATH --password-stdin
  user list|delete USER --db PATH [--json]
  keys list --db PATH [--json]
  keys rotate --db PATH [--alg ES256] [--json]
        publish a new signing key (the first of an algorithm signs at once)
  grants list --db PATH [--user U] [--client C] [--json]
        what users granted clients: consents and live refresh-token families
  grants revoke --db PATH --user U [--client C] [--json]
        revoke them: families (and their access tokens) and consents

Admin commands work whether or not serve is running: while it holds the
database they go through the unix socket <db>.sock. Run 'issuer <command>
<subcommand> -h' for a command's flags. Exit status: 0 ok, 1 failure, 2 misuse.
`
