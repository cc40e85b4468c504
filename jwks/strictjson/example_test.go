package strictjson_test

import (
	"fmt"

	"github.com/tollgate/tollgate/jwks/strictjson"
)

func ExampleObject() {
	doc := []byte(`{"iss":"https://issuer.example","aud":["api","other"],"exp":1767226200.5}`)
	var obj strictjson.Object
	obj.Reset(doc)
	for obj.Next() {
		switch string(obj.Key()) {
		case "iss":
			iss, _ := strictjson.Unquote(obj.Value(), nil)
			fmt.Printf("iss %s\n", iss)
		case "aud":
			var a strictjson.Array
			a.Reset(obj.Value())
			for a.Next() {
				fmt.Printf("aud %s\n", a.Value())
			}
		case "exp":
			exp, _ := strictjson.Int(obj.Value())
			fmt.Printf("exp %d\n", exp)
		}
	}
	fmt.Println("err:", obj.Err())

	obj.Reset([]byte(`{"exp":1,"\u0065xp":2}`))
	for obj.Next() {
	}
	fmt.Println("err:", obj.Err())
	// Output:
	// iss https://issuer.example
	// aud "api"
	// aud "other"
	// exp 1767226200
	// err: <nil>
	// err: strictjson: duplicate member name
}
