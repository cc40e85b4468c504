package workerd

import "errors"

var (
	// ErrNoWorkerd is returned when no workerd executable is found.
	ErrNoWorkerd = errors.New("workerd: workerd binary not found (run scripts/install-workerd.sh, or set TOLLGATE_WORKERD)")
	// ErrOptions is wrapped by every error about Options.
	ErrOptions = errors.New("workerd: bad options")
	// ErrExited is wrapped when workerd exits while Run still wants it.
	ErrExited = errors.New("workerd: workerd exited")
)
