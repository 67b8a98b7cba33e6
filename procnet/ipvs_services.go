package procnet

// IPVSServices returns every service of net/ip_vs with its real servers.
// The plugins walk the table; the tests and the procfs differential
// test (internal/devtools/procfsref) keep it whole.
func (fs FS) IPVSServices() ([]Service, error) {
	var out []Service
	err := fs.WalkIPVS(func(s *Service) error {
		c := *s
		c.RealServers = append([]RealServer(nil), s.RealServers...)
		out = append(out, c)
		return nil
	})
	return out, err
}
