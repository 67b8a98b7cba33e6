package procnet

import "fmt"

// ipvsCmdGetInfo asks for the IPVS version and connection table size: the
// cheapest command, and like every IPVS command it needs CAP_NET_ADMIN in
// the initial user namespace (GENL_ADMIN_PERM).
const ipvsCmdGetInfo = 15

// checkPermitted asks the kernel one GET_INFO, so that a reader without
// the right learns it before it reads anything: the kernel lets anyone
// resolve the family and open the socket, and refuses only the commands.
func (c *IPVSNetlink) checkPermitted() error {
	err := c.conn.get(c.family, c.version, ipvsCmdGetInfo, nil, func([]byte) error { return nil })
	if err != nil {
		return fmt.Errorf("%s: %w", ipvsNetlinkSource, err)
	}
	return nil
}
