package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// printer writes a command's output and keeps the first write error, which
// the command returns: output lost to a closed pipe is a failure.
type printer struct {
	w   io.Writer
	tw  *tabwriter.Writer // non-nil while printing a table
	err error
}

func newPrinter(w io.Writer) *printer { return &printer{w: w} }

// f prints like fmt.Fprintf, into the table while one is open.
func (p *printer) f(format string, args ...any) {
	if p.err != nil {
		return
	}
	var w io.Writer = p.w
	if p.tw != nil {
		w = p.tw
	}
	_, p.err = fmt.Fprintf(w, format, args...)
}

// table starts aligning tab-separated columns until done.
func (p *printer) table(padding int) {
	p.tw = tabwriter.NewWriter(p.w, 0, 4, padding, ' ', 0)
}

// done flushes an open table and returns the first error.
func (p *printer) done() error {
	if p.tw != nil {
		if err := p.tw.Flush(); p.err == nil {
			p.err = err
		}
		p.tw = nil
	}
	return p.err
}

// json prints v as indented JSON and a newline, and returns the error.
func (p *printer) json(v any) error {
	if p.err != nil {
		return p.err
	}
	enc := json.NewEncoder(p.w)
	enc.SetIndent("", "  ")
	p.err = enc.Encode(v)
	return p.err
}

// orEmpty makes a nil list print as [] rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// dash shows an empty field as "-".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
