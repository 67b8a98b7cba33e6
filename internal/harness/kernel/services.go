package kernel

import (
	"bufio"
	"io"
	"net"
)

// What the real-kernel tests and the demo both run inside the kernel.

// KeepalivedConf is a NAT service on 10.0.0.1:80 with two real servers on
// this host, 127.0.0.1:8081 and 127.0.0.1:8082, health-checked every
// second; a failed one is set to weight 0 (inhibit_on_failure), not
// removed, as directors usually run it.
const KeepalivedConf = `global_defs {
	router_id procnet
}
virtual_server 10.0.0.1 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	protocol TCP
	real_server 127.0.0.1 8081 {
		weight 1
		inhibit_on_failure
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
	real_server 127.0.0.1 8082 {
		weight 1
		inhibit_on_failure
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
}
`

// Serve answers the first line of each TCP connection on addr with
// prefix and the line, until the listener is closed.
func Serve(addr, prefix string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				io.WriteString(c, prefix+line)
			}()
		}
	}()
	return ln, nil
}
