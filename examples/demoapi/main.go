// Command demoapi is the small API `make run` puts behind `edge proxy`: it
// answers every request with the identity the edge forwarded.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:8081", "listen address")
	flag.Parse()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"method":    r.Method,
			"path":      r.URL.Path,
			"subject":   r.Header.Get("X-Auth-Subject"),
			"client_id": r.Header.Get("X-Auth-Client-Id"),
			"scope":     r.Header.Get("X-Auth-Scope"),
		})
	})
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
