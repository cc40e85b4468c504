package strictjson

// Object iterates over the members of a JSON object, validating as it goes.
//
//	var obj strictjson.Object
//	obj.Reset(data)
//	for obj.Next() {
//		switch string(obj.Key()) {
//		case "iss":
//			iss, err := strictjson.Unquote(obj.Value(), &scratch)
//			…
//		}
//	}
//	if err := obj.Err(); err != nil { … }
//
// The zero Object yields nothing. An Object is not safe for concurrent use,
// and it must not be copied once Reset.
type Object struct {
	data     []byte
	pos      int
	n        int
	done     bool
	err      error
	key, val []byte
	keys     keySet
	kbuf     [64]byte
}

// Reset starts iterating over the object data (whitespace around it is
// allowed). It returns ErrType if data holds another kind of value and
// ErrSyntax if it does not start a JSON value; the error is also kept for Err.
func (o *Object) Reset(data []byte) error {
	o.data, o.pos, o.n, o.done, o.err = data, 0, 0, false, nil
	o.key, o.val = nil, nil
	o.keys.n, o.keys.more = 0, o.keys.more[:0]
	i := skipWS(data, 0)
	switch KindOf(data[i:]) {
	case KindObject:
		o.pos = i + 1
	case KindInvalid:
		o.err = ErrSyntax
	default:
		o.err = ErrType
	}
	return o.err
}

// Next advances to the next member and reports whether there is one. It
// returns false at the end of the object (after checking that only
// whitespace follows it) and on the first error.
func (o *Object) Next() bool {
	if o.done || o.err != nil || o.data == nil {
		return false
	}
	d := o.data
	i := skipWS(d, o.pos)
	if i >= len(d) {
		return o.fail(i, ErrSyntax)
	}
	if d[i] == '}' {
		o.done = true
		if skipWS(d, i+1) != len(d) {
			return o.fail(i+1, ErrTrailingData)
		}
		return false
	}
	if o.n > 0 {
		if d[i] != ',' {
			return o.fail(i, ErrSyntax)
		}
		i = skipWS(d, i+1)
	}
	if i >= len(d) || d[i] != '"' {
		return o.fail(i, ErrSyntax)
	}
	end, esc, err := scanString(d, i)
	if err != nil {
		return o.fail(end, err)
	}
	if err := o.keys.add(d, i, end, esc); err != nil {
		return o.fail(i, err)
	}
	if esc {
		o.key = appendUnescaped(o.kbuf[:0], d[i+1:end-1])
	} else {
		o.key = d[i+1 : end-1]
	}
	i = skipWS(d, end)
	if i >= len(d) || d[i] != ':' {
		return o.fail(i, ErrSyntax)
	}
	vs := skipWS(d, i+1)
	ve, err := scanValue(d, vs, 1)
	if err != nil {
		return o.fail(ve, err)
	}
	o.val, o.pos = d[vs:ve], ve
	o.n++
	return true
}

func (o *Object) fail(i int, err error) bool {
	o.pos, o.err, o.key, o.val = i, err, nil, nil
	return false
}

// Key returns the current member's name, unescaped. It is valid until the
// next call to Next or Reset.
func (o *Object) Key() []byte { return o.key }

// Value returns the current member's raw, validated value: a view of the
// input with no surrounding whitespace.
func (o *Object) Value() []byte { return o.val }

// Err returns the first error met, or nil.
func (o *Object) Err() error { return o.err }

// Array iterates over the elements of a JSON array, validating as it goes.
// The zero Array yields nothing. An Array is not safe for concurrent use.
type Array struct {
	data []byte
	pos  int
	n    int
	done bool
	err  error
	val  []byte
}

// Reset starts iterating over the array data (whitespace around it is
// allowed). It returns ErrType if data holds another kind of value and
// ErrSyntax if it does not start a JSON value; the error is also kept for Err.
func (a *Array) Reset(data []byte) error {
	*a = Array{data: data}
	i := skipWS(data, 0)
	switch KindOf(data[i:]) {
	case KindArray:
		a.pos = i + 1
	case KindInvalid:
		a.err = ErrSyntax
	default:
		a.err = ErrType
	}
	return a.err
}

// Next advances to the next element and reports whether there is one, like
// [Object.Next].
func (a *Array) Next() bool {
	if a.done || a.err != nil || a.data == nil {
		return false
	}
	d := a.data
	i := skipWS(d, a.pos)
	if i >= len(d) {
		return a.fail(i, ErrSyntax)
	}
	if d[i] == ']' {
		a.done = true
		if skipWS(d, i+1) != len(d) {
			return a.fail(i+1, ErrTrailingData)
		}
		return false
	}
	if a.n > 0 {
		if d[i] != ',' {
			return a.fail(i, ErrSyntax)
		}
		i = skipWS(d, i+1)
	}
	ve, err := scanValue(d, i, 1)
	if err != nil {
		return a.fail(ve, err)
	}
	a.val, a.pos = d[i:ve], ve
	a.n++
	return true
}

func (a *Array) fail(i int, err error) bool {
	a.pos, a.err, a.val = i, err, nil
	return false
}

// Value returns the current element's raw, validated value.
func (a *Array) Value() []byte { return a.val }

// Err returns the first error met, or nil.
func (a *Array) Err() error { return a.err }
