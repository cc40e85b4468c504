// Package strictjson is a small, strict JSON (RFC 8259) reader for security
// decisions: JOSE headers, JWT claims, JWK sets and policy documents.
//
// It reads without reflection and, on well-formed input whose strings need no
// unescaping, without allocating: an [Object] or [Array] iterator yields raw
// views of member values, and decoders ([Unquote], [Int], [Bool],
// [EqualString]) turn those views into Go values. It builds with TinyGo.
//
// # Strictness
//
// Everything RFC 8259 forbids is an error, and so is everything it leaves to
// the implementation that an attacker could use to make two readers disagree:
//
//   - duplicate member names in any object, nested ones included, compared
//     after unescaping ("a" and "\u0061" are the same name): [ErrDuplicateKey];
//   - invalid UTF-8, unescaped control characters, unknown escapes and lone
//     or mis-ordered UTF-16 surrogates in strings: [ErrString];
//   - leading zeros, "+", ".5", "1.", bare "-", NaN and Infinity: [ErrNumber];
//   - anything but whitespace (space, tab, LF, CR) after the value, a byte
//     order mark included: [ErrTrailingData];
//   - nesting deeper than [MaxDepth] and objects with more than [MaxMembers]
//     members: [ErrDepth], [ErrTooManyMembers].
//
// # Iteration validates
//
// An iterator validates every value it steps over, nested ones included,
// before yielding it, and checks for trailing data once the container closes.
// A document is therefore fully validated only when the caller iterates to
// the end ([Object.Next] returned false) and [Object.Err] is nil. [Valid]
// validates a whole document without iterating.
//
// # Buffers
//
// Views returned by iterators and by [Unquote] alias the input (or the
// scratch buffer the caller passed): they stay valid as long as those bytes
// are not modified. [Object.Key] is the exception: an escaped key is decoded
// into the iterator and is valid until the next call to [Object.Next].
package strictjson
