package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tollgate/tollgate/issuer/admin"
)

// maxPasswordInput bounds what --password-stdin reads.
const maxPasswordInput = 4096

// userAdd is `issuer user add`.
func userAdd(e *env, args []string) error {
	c := newCommand(e, "user add", "--db PATH --username U --password-stdin [--json]", true)
	var username string
	var fromStdin bool
	c.StringVar(&username, "username", "", "the new user's `name` (required)")
	c.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input (required)")
	if _, err := c.parse(args, 0, ""); err != nil {
		return err
	}
	if username == "" {
		return c.usage("--username is required")
	}
	password, err := c.readPassword(fromStdin)
	if err != nil {
		return err
	}
	return c.withBackend(true, func(b admin.Backend) error {
		u, err := b.AddUser(context.Background(), username, password)
		if err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		if c.json {
			return out.json(u)
		}
		out.f("created user %s (id %s)\n", u.Username, u.ID)
		return out.done()
	})
}

// userPasswd is `issuer user passwd USER`.
func userPasswd(e *env, args []string) error {
	c := newCommand(e, "user passwd", "USER --db PATH --password-stdin", false)
	var fromStdin bool
	c.BoolVar(&fromStdin, "password-stdin", false, "read the new password from the first line of standard input (required)")
	pos, err := c.parse(args, 1, "username or user id")
	if err != nil {
		return err
	}
	password, err := c.readPassword(fromStdin)
	if err != nil {
		return err
	}
	return c.withBackend(false, func(b admin.Backend) error {
		if err := b.SetUserPassword(context.Background(), pos[0], password); err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		out.f("password of %s changed\n", pos[0])
		return out.done()
	})
}

// userList is `issuer user list`.
func userList(e *env, args []string) error {
	c := newCommand(e, "user list", "--db PATH [--json]", true)
	if _, err := c.parse(args, 0, ""); err != nil {
		return err
	}
	return c.withBackend(false, func(b admin.Backend) error {
		us, err := b.ListUsers(context.Background())
		if err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		if c.json {
			return out.json(orEmpty(us))
		}
		out.table(2)
		out.f("USERNAME\tID\tCREATED\n")
		for _, u := range us {
			out.f("%s\t%s\t%s\n", u.Username, u.ID, u.Created.Format(time.RFC3339))
		}
		return out.done()
	})
}

// userDelete is `issuer user delete USER`.
func userDelete(e *env, args []string) error {
	c := newCommand(e, "user delete", "USER --db PATH", false)
	pos, err := c.parse(args, 1, "username or user id")
	if err != nil {
		return err
	}
	return c.withBackend(false, func(b admin.Backend) error {
		if err := b.DeleteUser(context.Background(), pos[0]); err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		out.f("deleted user %s\n", pos[0])
		return out.done()
	})
}

// readPassword reads the first line of stdin; passwords are never flags,
// which would leak them into shell history and the process list.
func (c *command) readPassword(fromStdin bool) (string, error) {
	if !fromStdin {
		return "", c.usage("--password-stdin is required (passwords are not accepted as flags)")
	}
	line, err := bufio.NewReader(io.LimitReader(c.e.stdin, maxPasswordInput+2)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	switch {
	case line == "":
		return "", c.usage("empty password on standard input")
	case len(line) > maxPasswordInput:
		return "", c.usage("password longer than %d bytes", maxPasswordInput)
	}
	return line, nil
}
