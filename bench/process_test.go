package bench

import (
	"os"
	"testing"
	"time"
)

// TestWaitIdle: a sleeping process is idle at once; a spinning one is not.
func TestWaitIdle(t *testing.T) {
	if _, ok := cpuTime(os.Getpid()); !ok {
		t.Skip("no /proc")
	}
	sleeper, err := Start("sleep", "", nil, "sleep", "5")
	if err != nil {
		t.Fatal(err)
	}
	defer sleeper.Stop()
	if !sleeper.WaitIdle(2 * time.Second) {
		t.Error("sleep is not idle")
	}
	spinner, err := Start("spin", "", nil, "sh", "-c", "while :; do :; done")
	if err != nil {
		t.Fatal(err)
	}
	defer spinner.Stop()
	if spinner.WaitIdle(600 * time.Millisecond) {
		t.Error("a busy loop counts as idle")
	}
}
