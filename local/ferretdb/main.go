// Command ferretdb-embedded runs FerretDB on its SQLite backend for local
// development and tests.
//
// It wraps FerretDB's embeddable package for two reasons. The upstream
// command refuses to start when built outside FerretDB's own repository (its
// version file is generated there, not shipped). And FerretDB 1.x runs a
// conditional update (findAndModify, update with a filter) as a read followed
// by a write, without isolation, so two clients can both pass the same
// filter. MongoDB applies each single-document write atomically, and the API
// relies on that for If-Match. This wrapper therefore puts FerretDB behind a
// small proxy that hands it one command at a time.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", "", "directory that holds the SQLite files")
	flag.Parse()

	if *dir == "" {
		fail(fmt.Errorf("-dir is required"))
	}

	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fail(err)
	}

	// FerretDB warns about every command it lacks (such as endSessions, which
	// the driver sends on close); only errors are worth a developer's eye.
	level := slog.LevelError
	if os.Getenv("FERRETDB_DEBUG") != "" {
		level = slog.LevelDebug
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	socket := filepath.Join(*dir, "ferretdb.sock")
	_ = os.Remove(socket)

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)

	go func() { done <- f.Run(ctx) }()

	p, err := newProxy(*listen, socket)
	if err != nil {
		fail(err)
	}

	go p.serve(ctx)

	// The parent process waits for this line before it connects.
	fmt.Println("listening on", *listen)

	if err := <-done; err != nil && ctx.Err() == nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ferretdb-embedded:", err)
	os.Exit(1)
}
