//go:build wasip1

package main

import (
	"errors"
	"os"
	"unsafe"

	"github.com/tollgate/tollgate/wasm/validator"
)

// Environment variables naming files in the guest's file system (see the
// package documentation).
const (
	envJWKSFile        = "TOLLGATE_JWKS_FILE"
	envRevocationsFile = "TOLLGATE_REVOCATIONS_FILE"
)

// The instance's state, set up once by init.
var (
	v       *validator.Validator
	realm   string
	refresh int64 // seconds between checks of the files
	watched []*watchedFile
)

// init configures the instance from the guest configuration when the host
// calls _initialize. A policy the core refuses is fatal: the instantiation
// fails, and with it the host's middleware.
func init() {
	if err := configure(); err != nil {
		logMessage(logError, "tollgate: "+err.Error())
		os.Exit(1)
	}
}

func configure() error {
	var cfg buffer
	doc, ok := cfg.fill(hostGetConfig, maxConfigBytes)
	if !ok {
		return errors.New("guest configuration larger than 16 MiB")
	}
	if len(doc) == 0 {
		return errors.New("no guest configuration: it must be the policy document")
	}
	p, err := validator.ParsePolicy(doc)
	if err != nil {
		return err
	}
	if v, err = validator.New(p); err != nil {
		return err
	}
	realm, refresh = p.Realm, p.RefreshSeconds

	jwksFile, revFile := os.Getenv(envJWKSFile), os.Getenv(envRevocationsFile)
	if jwksFile != "" {
		watched = append(watched, &watchedFile{path: jwksFile, what: "keys", apply: v.SetKeys})
	} else if p.JWKSURL != "" && len(p.JWKS) == 0 {
		logMessage(logError, "tollgate: an http-wasm guest cannot fetch jwks_url; set inline jwks or "+
			envJWKSFile+": until then every token is refused")
	}
	if revFile != "" {
		watched = append(watched, &watchedFile{path: revFile, what: "revocations", apply: v.SetRevocations})
	} else if p.RevocationsURL != "" {
		logMessage(logWarn, "tollgate: an http-wasm guest cannot fetch revocations_url; set "+
			envRevocationsFile+" or revoked tokens stay valid until they expire")
	}
	for _, f := range watched {
		f.check()
	}
	return nil
}

// logMessage sends msg to the host's log.
func logMessage(level int32, msg string) {
	hostLog(level, unsafe.Pointer(unsafe.StringData(msg)), uint32(len(msg)))
}
