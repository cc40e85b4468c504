package strictjson

import "errors"

// Errors. They carry no position so that returning one never allocates.
var (
	// ErrSyntax reports input that is not JSON: an unexpected byte or end.
	ErrSyntax = errors.New("strictjson: syntax error")
	// ErrString reports a malformed string: invalid UTF-8, an unescaped
	// control character, an unknown escape or a lone surrogate.
	ErrString = errors.New("strictjson: invalid string")
	// ErrNumber reports a number that does not follow the RFC 8259 grammar.
	ErrNumber = errors.New("strictjson: invalid number")
	// ErrDuplicateKey reports an object with two members of the same name.
	ErrDuplicateKey = errors.New("strictjson: duplicate member name")
	// ErrDepth reports nesting deeper than MaxDepth.
	ErrDepth = errors.New("strictjson: nesting too deep")
	// ErrTooManyMembers reports an object with more than MaxMembers members.
	ErrTooManyMembers = errors.New("strictjson: too many object members")
	// ErrTrailingData reports bytes other than whitespace after the value.
	ErrTrailingData = errors.New("strictjson: trailing data after value")
	// ErrType reports a value of another type than the decoder expects.
	ErrType = errors.New("strictjson: wrong value type")
	// ErrRange reports a number that does not fit the requested Go type.
	ErrRange = errors.New("strictjson: number out of range")
)
