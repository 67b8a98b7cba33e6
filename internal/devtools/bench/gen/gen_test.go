package gen

import (
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// TestWrite checks a small tree with the project's own parsers: every file
// parses, and the counts are those the generator reports.
func TestWrite(t *testing.T) {
	root := t.TempDir()
	sz := Sizes{ARPRows: 1000, Services: 200, RealPerSvc: 3, PerCPURows: 20, GCThresh3: 1100, KernelRelease: "6.1.0"}
	st, err := Write(root, sz)
	if err != nil {
		t.Fatal(err)
	}
	fsys := procnet.NewFS(root)
	sum, err := fsys.CountARP()
	if err != nil || sum.Total() != uint64(st.ARPRows) || sum.Permanent != uint64(st.ARPPermanent) || sum.Proxy != uint64(st.ARPProxy) {
		t.Errorf("CountARP = %+v, %v; generated %+v", sum.ARPCounts, err, st)
	}
	var svcs, reals, weight0 int
	err = fsys.WalkIPVS(func(s *procnet.Service) error {
		svcs++
		for _, rs := range s.RealServers {
			reals++
			if rs.Weight == 0 {
				weight0++
			}
		}
		return nil
	})
	if err != nil || svcs != st.Services || reals != st.RealServers || weight0 != st.Weight0 {
		t.Errorf("WalkIPVS: %d services, %d real servers, %d weight 0, %v; generated %+v", svcs, reals, weight0, err, st)
	}
	if _, err := fsys.IPVSStats(); err != nil {
		t.Error(err)
	}
	if pc, err := fsys.IPVSStatsPerCPU(); err != nil || len(pc.CPUs) != sz.PerCPURows {
		t.Errorf("IPVSStatsPerCPU: %d rows, %v", len(pc.CPUs), err)
	}
	if ns, err := fsys.NeighCacheStats(procnet.Inet); err != nil || ns.Entries != uint64(sz.ARPRows) {
		t.Errorf("NeighCacheStats: %+v, %v", ns, err)
	}
	if th, err := fsys.GCThresh(procnet.Inet6); err != nil || th.Thresh3 != uint64(sz.GCThresh3) {
		t.Errorf("GCThresh: %+v, %v", th, err)
	}
	if kv, err := fsys.KernelVersion(); err != nil || !kv.AtLeast(5, 0) {
		t.Errorf("KernelVersion: %+v, %v", kv, err)
	}
}
