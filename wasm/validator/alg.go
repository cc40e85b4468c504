package validator

import "github.com/tollgate/tollgate/jwks"

// alg identifies a signature algorithm; algs is a set of them.
type alg uint8

type algs uint8

const (
	algNone alg = iota
	algRS256
	algPS256
	algES256
	algEdDSA
	algHS256
)

// defaultAlgorithms are the algorithms a policy allows when it names none.
var defaultAlgorithms = []string{jwks.ES256, jwks.EdDSA, jwks.RS256, jwks.PS256}

// parseAlg maps an algorithm name (case-sensitive, RFC 7515 §4.1.1) to its
// identifier, or algNone.
func parseAlg[T string | []byte](name T) alg {
	switch string(name) {
	case jwks.RS256:
		return algRS256
	case jwks.PS256:
		return algPS256
	case jwks.ES256:
		return algES256
	case jwks.EdDSA:
		return algEdDSA
	case jwks.HS256:
		return algHS256
	}
	return algNone
}

func (a alg) String() string {
	switch a {
	case algRS256:
		return jwks.RS256
	case algPS256:
		return jwks.PS256
	case algES256:
		return jwks.ES256
	case algEdDSA:
		return jwks.EdDSA
	case algHS256:
		return jwks.HS256
	}
	return "none"
}

func (s algs) has(a alg) bool { return a != algNone && s&(1<<a) != 0 }
func (s *algs) add(a alg)     { *s |= 1 << a }
