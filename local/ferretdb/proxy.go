package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

const (
	headerLen  = 16
	opMsg      = 2013
	moreToCome = 1 << 1
	// MongoDB's own limit for one message.
	maxMessageLen = 48 * 1000 * 1000
)

// Commands that change documents. FerretDB 1.x runs each as a read then a
// write, so they take turns; reads and heartbeats run side by side.
var writeCommands = map[string]bool{
	"insert":        true,
	"update":        true,
	"delete":        true,
	"findAndModify": true,
	"findandmodify": true,
}

// proxy accepts MongoDB wire-protocol clients on TCP and forwards their
// messages to FerretDB over a Unix socket. Write commands run one at a time
// across all clients: the lock is held from such a request until its reply
// is read.
type proxy struct {
	listener net.Listener
	backend  string
	turn     sync.Mutex
}

func newProxy(listen, backend string) (*proxy, error) {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}

	return &proxy{listener: l, backend: backend}, nil
}

func (p *proxy) serve(ctx context.Context) {
	go func() {
		<-ctx.Done()
		p.listener.Close()
	}()

	for {
		client, err := p.listener.Accept()
		if err != nil {
			return
		}

		go p.relay(client)
	}
}

func (p *proxy) relay(client net.Conn) {
	defer client.Close()

	server, err := dialBackend(p.backend)
	if err != nil {
		return
	}
	defer server.Close()

	for {
		request, err := readMessage(client)
		if err != nil {
			return
		}

		if err := p.exchange(request, server, client); err != nil {
			return
		}
	}
}

// exchange sends one request and copies its replies back while holding the
// turn, so that no other client's command runs in between.
func (p *proxy) exchange(request []byte, server, client net.Conn) error {
	if writeCommands[commandName(request)] {
		p.turn.Lock()
		defer p.turn.Unlock()
	}

	if _, err := server.Write(request); err != nil {
		return err
	}

	if expectsNoReply(request) {
		return nil
	}

	for {
		reply, err := readMessage(server)
		if err != nil {
			return err
		}

		if _, err := client.Write(reply); err != nil {
			return err
		}

		// An exhaust reply says more replies follow for the same request.
		if !expectsNoReply(reply) {
			return nil
		}
	}
}

// dialBackend waits briefly for FerretDB to create its socket at start-up.
func dialBackend(path string) (net.Conn, error) {
	var err error

	for i := 0; i < 50; i++ {
		var conn net.Conn

		if conn, err = net.Dial("unix", path); err == nil {
			return conn, nil
		}

		time.Sleep(100 * time.Millisecond)
	}

	return nil, err
}

func readMessage(r io.Reader) ([]byte, error) {
	header := make([]byte, headerLen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}

	length := int(binary.LittleEndian.Uint32(header))
	if length < headerLen || length > maxMessageLen {
		return nil, errors.New(fmt.Sprint("bad message length ", length))
	}

	message := make([]byte, length)
	copy(message, header)

	if _, err := io.ReadFull(r, message[headerLen:]); err != nil {
		return nil, err
	}

	return message, nil
}

// expectsNoReply reports whether an OP_MSG carries the moreToCome flag.
func expectsNoReply(message []byte) bool {
	opCode := binary.LittleEndian.Uint32(message[12:16])
	if opCode != opMsg || len(message) < headerLen+4 {
		return false
	}

	flags := binary.LittleEndian.Uint32(message[headerLen : headerLen+4])

	return flags&moreToCome != 0
}

// commandName reads the first key of an OP_MSG body document, which MongoDB
// defines as the command name. Anything else yields "".
func commandName(message []byte) string {
	// Header, flag bits, then section kind 0 and its document.
	start := headerLen + 4
	if len(message) < start+6 || binary.LittleEndian.Uint32(message[12:16]) != opMsg {
		return ""
	}

	if message[start] != 0 {
		return ""
	}

	// Skip the kind byte, the document length and the element's type byte.
	key := message[start+1+4+1:]

	for i, b := range key {
		if b == 0 {
			return string(key[:i])
		}
	}

	return ""
}
