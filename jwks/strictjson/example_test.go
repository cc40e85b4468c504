package strictjson_test

import (
	"fmt"

	"github.com/tollgate/tollgate/jwks/strictjson"
)

func ExampleObject() {
	doc := []byte(`{"iss":"https://issuer.example","aud":["api","other"],"exp":1767226200.5}`)
	var obj strictjson.Object
	_ = obj.Reset(doc) // an error is also kept for obj.Err, checked after the loop
	for obj.Next() {
		switch string(obj.Key()) {
		case "iss":
			iss, _ := strictjson.Unquote(obj.Value(), nil)
			fmt.Printf("iss %s\n", iss)
		case "aud":
			var a strictjson.Array
			_ = a.Reset(obj.Value()) // likewise kept for a.Err
			for a.Next() {
				fmt.Printf("aud %s\n", a.Value())
			}
			if a.Err() != nil {
				fmt.Println("aud:", a.Err())
			}
		case "exp":
			exp, _ := strictjson.Int(obj.Value())
			fmt.Printf("exp %d\n", exp)
		}
	}
	fmt.Println("err:", obj.Err())

	_ = obj.Reset([]byte(`{"exp":1,"\u0065xp":2}`))
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
