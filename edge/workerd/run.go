package workerd

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// stopGrace is how long Run waits after SIGTERM before it kills workerd.
const stopGrace = 5 * time.Second

// Run serves the worker on workerd until ctx ends, then stops workerd and
// returns nil. It returns an error wrapping [ErrOptions] for bad options,
// [ErrNoWorkerd] if there is no workerd, and [ErrExited] if workerd stops on
// its own (a configuration it refuses, a crash). The configuration lives in
// a temporary directory removed on return.
func Run(ctx context.Context, o Options) error {
	if err := o.check(); err != nil {
		return err
	}
	bin := o.Binary
	if bin == "" {
		var err error
		if bin, err = FindBinary(""); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "tollgate-workerd-")
	if err != nil {
		return fmt.Errorf("workerd: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	conf, err := WriteConfig(dir, o)
	if err != nil {
		return err
	}

	l := o.Listener
	if l == nil {
		if l, err = net.Listen("tcp", o.Listen); err != nil {
			return fmt.Errorf("workerd: %w", err)
		}
		defer func() { _ = l.Close() }()
	}
	sock, err := socketFile(l)
	if err != nil {
		return err
	}
	defer func() { _ = sock.Close() }()

	cmd := exec.Command(bin, "serve", conf, "--socket-fd", SocketName+"=3")
	cmd.Dir = dir
	cmd.ExtraFiles = []*os.File{sock} // fd 3
	cmd.Stdout, cmd.Stderr = o.Stdout, o.Stderr
	if cmd.Stdout == nil {
		cmd.Stdout = os.Stdout
	}
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("workerd: start %s: %w", bin, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	select {
	case err := <-done:
		if err == nil {
			return fmt.Errorf("%w with status 0", ErrExited)
		}
		return fmt.Errorf("%w: %w", ErrExited, err)
	case <-ctx.Done():
	}
	// Asked to stop: workerd's exit status then says nothing about the run.
	_ = stop(cmd, done)
	return nil
}

// stop sends workerd SIGTERM, kills it if it is still running after
// stopGrace, and returns its exit status.
func stop(cmd *exec.Cmd, done <-chan error) error {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		return err
	case <-time.After(stopGrace):
		_ = cmd.Process.Kill()
		return <-done
	}
}

// socketFile returns a duplicate of l's socket for the child process.
func socketFile(l net.Listener) (*os.File, error) {
	f, ok := l.(interface{ File() (*os.File, error) })
	if !ok {
		return nil, fmt.Errorf("%w: Listener %T has no file descriptor", ErrOptions, l)
	}
	file, err := f.File()
	if err != nil {
		return nil, fmt.Errorf("workerd: listener: %w", err)
	}
	return file, nil
}
