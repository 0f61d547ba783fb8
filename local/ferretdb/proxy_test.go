package main

import (
	"encoding/binary"
	"testing"
)

// message builds an OP_MSG whose body document starts with the given key.
func message(key string) []byte {
	doc := []byte{0, 0, 0, 0, 0x10}
	doc = append(doc, key...)
	doc = append(doc, 0, 1, 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(doc, uint32(len(doc)))

	body := append([]byte{0, 0, 0, 0, 0}, doc...)
	header := make([]byte, headerLen)
	binary.LittleEndian.PutUint32(header, uint32(headerLen+len(body)))
	binary.LittleEndian.PutUint32(header[12:], opMsg)

	return append(header, body...)
}

func TestCommandNameReadsTheFirstKey(t *testing.T) {
	for _, name := range []string{"findAndModify", "insert", "hello", "find"} {
		if got := commandName(message(name)); got != name {
			t.Errorf("commandName = %q, want %q", got, name)
		}
	}
}

func TestOnlyWritesTakeTurns(t *testing.T) {
	for name, want := range map[string]bool{
		"findAndModify": true, "update": true, "delete": true, "insert": true,
		"find": false, "hello": false, "aggregate": false, "ping": false,
	} {
		if got := writeCommands[commandName(message(name))]; got != want {
			t.Errorf("%s takes turns = %v, want %v", name, got, want)
		}
	}
}

func TestCommandNameIgnoresOtherMessages(t *testing.T) {
	short := make([]byte, headerLen)
	if got := commandName(short); got != "" {
		t.Errorf("commandName(short) = %q", got)
	}
}
