package edge

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// embedded holds edge/embed, which contains validator.wasm when `make wasm`
// has run before the build, and only its README otherwise.
//
//go:embed embed
var embedded embed.FS

// embeddedModulePath is validator.wasm's path inside embedded.
const embeddedModulePath = "embed/validator.wasm"

// EmbeddedModule returns the validator.wasm embedded at build time, or
// [ErrNoModule] if the binary was built without one.
func EmbeddedModule() ([]byte, error) {
	b, err := embedded.ReadFile(embeddedModulePath)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(b) == 0) {
		return nil, ErrNoModule
	}
	return b, err
}

// ReadModule returns the validator module a host should run: module when
// it is not empty, else the file at path when path is set, else the
// embedded validator.wasm ([ErrNoModule] if the binary has none).
func ReadModule(module []byte, path string) ([]byte, error) {
	switch {
	case len(module) > 0:
		return module, nil
	case path != "":
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("edge: read module: %w", err)
		}
		return b, nil
	default:
		return EmbeddedModule()
	}
}
