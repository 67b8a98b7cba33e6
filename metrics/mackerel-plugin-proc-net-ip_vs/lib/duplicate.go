package ipvs

// scanServers is how many real servers of a service are searched one by
// one for a duplicate before a map takes over: a service has a few, and
// a map insert per real server was a tenth of a run on a large table.
const scanServers = 32

// duplicate reports whether k is among the real servers of the service
// being read (t.servers), and notes it as one of them when not.
func (t *table) duplicate(k realServerKey) bool {
	n := len(t.servers)
	if n < scanServers {
		for i := range t.servers {
			if t.servers[i].Port == k.port && t.servers[i].Addr == k.addr {
				return true
			}
		}
		return false
	}
	if n == scanServers {
		clear(t.seenServers)
		for i := range t.servers {
			t.seenServers[realServerKey{t.servers[i].Addr, t.servers[i].Port}] = struct{}{}
		}
	}
	if _, dup := t.seenServers[k]; dup {
		return true
	}
	t.seenServers[k] = struct{}{}
	return false
}
