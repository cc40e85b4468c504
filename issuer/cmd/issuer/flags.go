package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strings"
)

// command is one subcommand's flag set, with the flags all admin commands
// share.
type command struct {
	*flag.FlagSet
	e        *env
	name     string // "issuer client add"
	synopsis string // "issuer client add --db PATH ..."
	db       string
	json     bool
}

// newCommand returns the flag set of `issuer <name>`; withJSON adds --json.
func newCommand(e *env, name, synopsis string, withJSON bool) *command {
	c := &command{e: e, name: "issuer " + name, synopsis: "issuer " + name + " " + synopsis}
	c.FlagSet = flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.SetOutput(io.Discard) // parse errors are reported by run, in one format
	c.StringVar(&c.db, "db", "", "path of the issuer's bbolt `database`")
	if withJSON {
		c.BoolVar(&c.json, "json", false, "print JSON")
	}
	return c
}

// parse parses args, flags and positional arguments in any order, and
// requires exactly nargs positional arguments (named by what) and --db.
func (c *command) parse(args []string, nargs int, what string) ([]string, error) {
	var pos []string
	for {
		err := c.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			var b strings.Builder
			fmt.Fprintf(&b, "usage: %s\n\nFlags:\n", c.synopsis)
			c.SetOutput(&b)
			c.PrintDefaults()
			if _, err := io.WriteString(c.e.stdout, b.String()); err != nil {
				return nil, err
			}
			return nil, errHelp
		}
		if err != nil {
			return nil, c.usage("%v", err)
		}
		args = c.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	switch {
	case len(pos) < nargs:
		return nil, c.usage("missing %s", what)
	case len(pos) > nargs:
		return nil, c.usage("unexpected argument %q", pos[nargs])
	case c.db == "":
		return nil, c.usage("--db is required")
	}
	return pos, nil
}

// usage returns a usageError for c.
func (c *command) usage(format string, args ...any) error {
	return &usageError{cmd: c.name, synopsis: c.synopsis, msg: fmt.Sprintf(format, args...)}
}

// listFlag is a repeatable flag; with sep != "" each value is also split on
// sep. Empty items are dropped.
type listFlag struct {
	vals *[]string
	sep  string
}

func (l listFlag) String() string {
	if l.vals == nil {
		return ""
	}
	return strings.Join(*l.vals, ",")
}

func (l listFlag) Set(v string) error {
	parts := []string{v}
	if l.sep == " " {
		parts = strings.Fields(v)
	} else if l.sep != "" {
		parts = strings.Split(v, l.sep)
	}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			*l.vals = append(*l.vals, p)
		}
	}
	return nil
}

// prefixFlag is a repeatable flag of CIDR prefixes or single addresses,
// also comma-separated.
type prefixFlag struct{ vals *[]netip.Prefix }

func (f prefixFlag) String() string {
	if f.vals == nil {
		return ""
	}
	var s []string
	for _, p := range *f.vals {
		s = append(s, p.String())
	}
	return strings.Join(s, ",")
}

func (f prefixFlag) Set(v string) error {
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return fmt.Errorf("%q is neither an IP address nor a CIDR prefix", item)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		*f.vals = append(*f.vals, p.Masked())
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
