package edge_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/tollgate/tollgate/edge"
)

// A net/http service behind the validator: requests reach the handler only
// with a valid token, and learn who sent it from X-Auth-Subject.
func ExampleHost_Handler() {
	policy, err := os.ReadFile("policy.json") // DESIGN.md's policy document
	if err != nil {
		log.Fatal(err)
	}
	host, err := edge.New(context.Background(), edge.Options{
		Policy:     policy,
		ModulePath: "bin/validator.wasm", // or nothing: the embedded module
	})
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = host.Close(context.Background()) }()

	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("hello " + r.Header.Get(edge.HeaderSubject)))
	})
	http.Handle("/", host.Handler(api))
	http.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) { _ = host.WriteMetrics(w) })
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", nil))
}
