package worker

import "embed"

// files holds the worker's JavaScript modules.
//
//go:embed *.mjs
var files embed.FS

// ModuleWasm is the name under which the scripts import validator.wasm.
const ModuleWasm = "validator.wasm"

// Main is the name of the entry module.
const Main = "worker.mjs"

// Module is one ES module of the worker.
type Module struct {
	Name   string // as imported, e.g. "wasi.mjs"
	Source []byte
}

// Modules returns the worker's ES modules, the entry module ([Main]) first.
func Modules() []Module {
	entries, err := files.ReadDir(".")
	if err != nil {
		panic("worker: embedded modules: " + err.Error()) // the embed pattern guarantees the directory
	}
	mods := make([]Module, 0, len(entries))
	for _, e := range entries {
		src, err := files.ReadFile(e.Name())
		if err != nil {
			panic("worker: embedded modules: " + err.Error())
		}
		m := Module{Name: e.Name(), Source: src}
		if m.Name == Main {
			mods = append([]Module{m}, mods...)
		} else {
			mods = append(mods, m)
		}
	}
	return mods
}
