package checkipvs

import (
	"net/netip"

	"github.com/procnet/mackerel-plugin-proc-net/internal/ipvsnames"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// serviceSpec names one IPVS virtual service. It is comparable, so a spec
// from the command line matches a service from net/ip_vs by ==.
type serviceSpec struct {
	Protocol string     // as the kernel prints it: TCP, UDP, SCTP, FWM, IP_<n>...
	Addr     netip.Addr // invalid for FWM
	Port     uint16
	Mark     uint32 // FWM only
	// IPv6 is the IPv6 fwmark service of the mark (ipvsadm -A -f MARK
	// -6), FWM6:MARK; the kernel keys fwmark services by family and mark.
	IPv6 bool
}

// parseServiceSpec parses the --service and --expect syntax
// (ipvsnames.ParseService): "TCP:10.0.0.1:80", "UDP:[2001:db8::1]:53",
// "FWM:1", "FWM:0x1", and "FWM6:1" for the IPv6 fwmark service of mark 1.
func parseServiceSpec(s string) (serviceSpec, error) {
	id, err := ipvsnames.ParseService(s)
	if err != nil {
		return serviceSpec{}, err
	}
	return serviceSpec{Protocol: id.Protocol, Addr: id.Addr, Port: id.Port, Mark: id.Mark, IPv6: id.IPv6}, nil
}

// specOf returns the spec that names svc.
func specOf(svc *procnet.Service) serviceSpec {
	id := svc.ID()
	return serviceSpec{Protocol: id.Protocol, Addr: id.Addr, Port: id.Port, Mark: id.Mark, IPv6: id.IPv6}
}

// id names s to procnet, for a targeted read.
func (s serviceSpec) id() procnet.IPVSServiceID {
	return procnet.IPVSServiceID{Protocol: s.Protocol, Addr: s.Addr, Port: s.Port, Mark: s.Mark, IPv6: s.IPv6}
}

// String returns the service in ipvsadm -Ln notation: "TCP 10.0.0.1:80",
// "UDP [2001:db8::1]:53", "FWM 1", "FWM 1 IPv6".
func (s serviceSpec) String() string { return s.id().String() }

// key returns the spec in the --service syntax, which parseServiceSpec
// reads back: "TCP:10.0.0.1:80", "UDP:[2001:db8::1]:53", "FWM:1", "FWM6:1".
func (s serviceSpec) key() string { return ipvsnames.ServiceNotation(s.id()) }
