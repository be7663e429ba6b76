package main

import (
	"fmt"
	"math/rand"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Ports are picked below the kernel's ephemeral range. A port taken from that range and released
// can go to any outgoing connection before our server binds it, including the readiness poll
// itself: a connect to a port nobody listens on can pick that same port as its source and connect
// to itself (TCP self-connect). A CI run lost its API server port that way ("bind: address
// already in use"). Below the range only an explicit bind can take a port.
const lowestPort = 10000

var (
	portsMu   sync.Mutex
	handedOut = map[int]bool{}
)

func freePort() (int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	high := ephemeralLow()
	for attempt := 0; high-lowestPort > 1000 && attempt < 500; attempt++ {
		port := lowestPort + rand.Intn(high-lowestPort)
		if handedOut[port] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		_ = l.Close()
		handedOut[port] = true
		return port, nil
	}
	// A machine whose ephemeral range leaves no room below it: the kernel's choice is all we have.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func ephemeralLow() int {
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return 32768
	}
	low, err := strconv.Atoi(fields[0])
	if err != nil {
		return 32768
	}
	return low
}
