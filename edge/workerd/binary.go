package workerd

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// platformPackages maps GOOS/GOARCH to the npm package with workerd's binary.
var platformPackages = map[string]string{
	"linux/amd64":   "workerd-linux-64",
	"linux/arm64":   "workerd-linux-arm64",
	"darwin/amd64":  "workerd-darwin-64",
	"darwin/arm64":  "workerd-darwin-arm64",
	"windows/amd64": "workerd-windows-64",
}

// FindBinary returns the workerd executable to run: $TOLLGATE_WORKERD if
// set; else the npm installation in a node_modules directory of dir or one of
// its parents (first node_modules/.workerd, where scripts/install-workerd.sh
// puts it, then node_modules/@cloudflare); else workerd on $PATH. An empty dir
// means the working directory, and then the executable's directory too.
// It returns [ErrNoWorkerd] when there is none.
func FindBinary(dir string) (string, error) {
	if p := os.Getenv("TOLLGATE_WORKERD"); p != "" {
		return p, nil
	}
	var starts []string
	if dir != "" {
		starts = append(starts, dir)
	} else {
		if wd, err := os.Getwd(); err == nil {
			starts = append(starts, wd)
		}
		if exe, err := os.Executable(); err == nil {
			starts = append(starts, filepath.Dir(exe))
		}
	}
	if pkg, ok := platformPackages[runtime.GOOS+"/"+runtime.GOARCH]; ok {
		name := "workerd"
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		for _, start := range starts {
			for d := start; ; d = filepath.Dir(d) {
				for _, p := range []string{
					filepath.Join(d, "node_modules", ".workerd", "node_modules", "@cloudflare", pkg, "bin", name),
					filepath.Join(d, "node_modules", "@cloudflare", pkg, "bin", name),
				} {
					if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
						return p, nil
					}
				}
				if filepath.Dir(d) == d {
					break
				}
			}
		}
	}
	if p, err := exec.LookPath("workerd"); err == nil {
		return p, nil
	}
	return "", ErrNoWorkerd
}
