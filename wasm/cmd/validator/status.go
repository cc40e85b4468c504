package main

// abiVersion is the value of tg_abi_version. Bump it on any change a host
// could observe: an export's signature, a status code or the result layout.
const abiVersion = 1

// Verdicts of tg_validate and tg_authorize (see wasm/ABI.md).
const (
	verdictAllow             int32 = 0
	verdictInvalidRequest    int32 = 1
	verdictInvalidToken      int32 = 2
	verdictInsufficientScope int32 = 3
	verdictNoToken           int32 = 4 // tg_authorize only
)

// Status codes of tg_configure, tg_set_keys and tg_set_revocations.
const (
	statusOK       int32 = 0
	statusRejected int32 = 1
)

// Negative statuses, shared by every export that returns one.
const (
	statusNotConfigured int32 = -1 // tg_configure has not succeeded yet
	statusBadArgument   int32 = -2 // a pointer/length outside guest-issued buffers
	statusInternal      int32 = -3 // recovered panic: the host should recycle the instance
)

// Result flags (the first word of every result record).
const (
	flagCacheHit   uint32 = 1 << 0 // allowed from the verified-token cache
	flagUnknownKey uint32 = 1 << 1 // denied because no key matched the token's kid
)
