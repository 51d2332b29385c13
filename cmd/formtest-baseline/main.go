// Command formtest-baseline serves the baseline handler (package
// server/baseline) so that wrk can measure formtest serve against the
// plainest net/http + gorilla/sessions server with the same three routes.
//
//	go run ./cmd/formtest-baseline -addr 127.0.0.1:5001
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/baseline"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:5001", "address to listen on")
	key := flag.String("secret", "ThisIsSecret", "session key")
	flag.Parse()
	pages, err := server.Pages()
	if err != nil {
		fmt.Fprintf(os.Stderr, "formtest-baseline: %v\n", err)
		os.Exit(1)
	}
	// The same timeouts as formtest serve: no server should go without
	// them, and the comparison is about what formtest adds on top.
	hs := &http.Server{
		Addr:              *addr,
		Handler:           baseline.Handler([]byte(*key), pages),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	fmt.Fprintf(os.Stderr, "formtest-baseline: listening on http://%s\n", *addr)
	if err := hs.ListenAndServe(); err != nil {
		fmt.Fprintf(os.Stderr, "formtest-baseline: %v\n", err)
		os.Exit(1)
	}
}
