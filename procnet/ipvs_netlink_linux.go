package procnet

import (
	"errors"
	"fmt"
	"os"
)

// DialIPVS connects to the IPVS family of the caller's network namespace.
func DialIPVS() (*IPVSNetlink, error) { return DialIPVSIn(nil) }

// DialIPVSIn connects to the IPVS family of the network namespace ns
// (nil: the caller's): the socket is opened inside it, and answers for it
// from any thread.
func DialIPVSIn(ns *NetNS) (*IPVSNetlink, error) {
	g, err := openGenl(ns)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ipvsNetlinkSource, err)
	}
	c, err := dialIPVS(g)
	if err != nil {
		g.Close()
	}
	return c, err
}

// dialIPVS resolves the IPVS family on conn.
func dialIPVS(conn genlConn) (*IPVSNetlink, error) {
	id, version, err := conn.family("IPVS")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrIPVSNotLoaded
		}
		return nil, fmt.Errorf("%s: %w", ipvsNetlinkSource, err)
	}
	return &IPVSNetlink{conn: conn, family: id, version: version}, nil
}
