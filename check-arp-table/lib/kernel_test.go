package checkarptable

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// The kernel tests create network namespaces with veth pairs and
// neighbour entries, and run the binary in them with `ip netns exec`,
// where net/stat/arp_cache and the sysctls are hidden as in a container.
// They run serially. The neighbour table is global: other processes may
// add or remove entries meanwhile, so every threshold leaves a margin of
// at least 50 entries around the expected count.

// kernelEnv skips unless the test can change network namespaces.
func kernelEnv(t testing.TB) (ipPath string) {
	t.Helper()
	testbin.SkipEmulated(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces and neighbour entries")
	}
	p, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("needs iproute2 `ip` to create network namespaces")
	}
	if _, err := procnet.NeighTableFromNetlink(procnet.Inet); err != nil {
		t.Skipf("rtnetlink unavailable: %v", err)
	}
	return p
}

func ipCmd(t testing.TB, ipPath string, args ...string) {
	t.Helper()
	if out, err := exec.Command(ipPath, args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// addNeighbours adds n entries in state nud on veth0 with one `ip -batch`,
// numbered from first: 10.77.1.1 onwards (10.78... past 62,500), or
// 2001:db8:77::100 onwards for inet6.
func addNeighbours(t testing.TB, ipPath, ns string, fam procnet.Family, first, n int, nud string) {
	t.Helper()
	var b strings.Builder
	for i := first; i < first+n; i++ {
		addr := fmt.Sprintf("10.%d.%d.%d", 77+i/62500, 1+i/250%250, 1+i%250)
		if fam == procnet.Inet6 {
			addr = fmt.Sprintf("2001:db8:77::%x", 0x100+i)
		}
		fmt.Fprintf(&b, "neigh add %s lladdr 02:77:%02x:%02x:%02x:%02x dev veth0 nud %s\n", addr, byte(i>>24), byte(i>>16), byte(i>>8), byte(i), nud)
	}
	batch := filepath.Join(t.TempDir(), "neigh.batch")
	if err := os.WriteFile(batch, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ipCmd(t, ipPath, "-n", ns, "-batch", batch)
}

// globalTable is the live table as rtnetlink reports it.
func globalTable(t testing.TB, fam procnet.Family) procnet.NeighTable {
	t.Helper()
	nt, err := procnet.NeighTableFromNetlink(fam)
	if err != nil {
		t.Fatal(err)
	}
	return nt
}

// runIn runs the check in namespace ns ("" for this one) on the live /proc.
func runIn(t *testing.T, ipPath, ns string, args ...string) testbin.Result {
	t.Helper()
	args = append(args, "--state-file", filepath.Join(t.TempDir(), "state.json"))
	if ns == "" {
		return testbin.Run(t, binary(t), nil, args...)
	}
	return testbin.Run(t, ipPath, nil, append([]string{"netns", "exec", ns, binary(t)}, args...)...)
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

func TestKernelStaleEntriesWarn(t *testing.T) {
	ipPath := kernelEnv(t)
	before := globalTable(t, procnet.Inet)
	const added = 100
	if before.Stats.Entries+added+50 >= before.Thresh.Thresh3 {
		t.Skipf("the table holds %d of %d entries: no room to add %d", before.Stats.Entries, before.Thresh.Thresh3, added)
	}
	ns := testbin.NewNetNS(t).Name
	addNeighbours(t, ipPath, ns, procnet.Inet, 0, added, "stale")
	base := before.Stats.Entries
	warn, crit := itoa(base+added-50), itoa(base+added+300)

	// In the namespace: stat file and sysctls hidden, rtnetlink answers.
	res := runIn(t, ipPath, ns, "-w", warn, "-c", crit)
	checkResult(t, res, 1, "~ARP-TABLE WARNING: ", fmt.Sprintf("~ of %d entries (", before.Thresh.Thresh3), "~source rtnetlink RTM_GETNEIGHTBL")
	if strings.Contains(res.Stdout, "permanent entries of this namespace") {
		t.Errorf("stale entries were taken for permanent ones: %s", res.Stdout)
	}
	// In the initial namespace: the same global count from the stat file.
	if _, err := os.Stat("/proc/net/stat/arp_cache"); err == nil {
		res = runIn(t, ipPath, "", "-w", warn, "-c", crit)
		checkResult(t, res, 1, "~ARP-TABLE WARNING: ", "~source /proc/net/stat/arp_cache")
	}
	// Thresholds relative to the machine's real gc_thresh3: far below 80%.
	checkResult(t, runIn(t, ipPath, ns), 0, "~ARP-TABLE OK: ", "~source rtnetlink RTM_GETNEIGHTBL")
	// --gc-thresh3 wins over rtnetlink.
	checkResult(t, runIn(t, ipPath, ns, "--gc-thresh3", itoa(base+added-40), "-w", "1%", "-c", "100%"), 2,
		"~ARP-TABLE CRITICAL: ", "~, gc_thresh3 from --gc-thresh3")
}

func TestKernelPermanentEntriesNotCounted(t *testing.T) {
	ipPath := kernelEnv(t)
	kv, err := procnet.NewFS("/proc").KernelVersion()
	if err != nil {
		t.Fatal(err)
	}
	if kv.PermanentCountsAgainstLimit() {
		t.Skipf("kernel %s counts permanent entries against gc_thresh3", kv.Release)
	}
	before := globalTable(t, procnet.Inet)
	const permanent, stale = 300, 100
	if before.Stats.Entries+stale+50 >= before.Thresh.Thresh3 {
		t.Skipf("the table holds %d of %d entries: no room", before.Stats.Entries, before.Thresh.Thresh3)
	}
	ns := testbin.NewNetNS(t).Name
	addNeighbours(t, ipPath, ns, procnet.Inet, 0, permanent, "permanent")
	addNeighbours(t, ipPath, ns, procnet.Inet, permanent, stale, "stale")
	if got := globalTable(t, procnet.Inet).Stats.Entries; got < before.Stats.Entries+permanent+stale-50 {
		t.Fatalf("entries %d after adding %d: permanent entries not in the global count?", got, permanent+stale)
	}
	base := before.Stats.Entries
	// Raw count base+400 reaches the warning level, so net/arp of the
	// namespace is read: less 300 permanent rows, base+100 is OK.
	warn, crit := itoa(base+permanent+stale-150), itoa(base+permanent+stale-50)
	res := runIn(t, ipPath, ns, "-w", warn, "-c", crit)
	checkResult(t, res, 0, "~ARP-TABLE OK: ", fmt.Sprintf("~less %d permanent entries of this namespace", permanent), "~source rtnetlink RTM_GETNEIGHTBL")

	// From the initial namespace those permanent entries are another
	// namespace's: they stay in the count (gc_entries is not exported).
	sum, err := procnet.NewFS("/proc").CountARP()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/proc/net/stat/arp_cache"); err == nil && sum.Permanent < 50 {
		checkResult(t, runIn(t, ipPath, "", "-w", warn, "-c", crit), 2, "~ARP-TABLE CRITICAL: ", "~source /proc/net/stat/arp_cache")
	}
}

func TestKernelInet6(t *testing.T) {
	ipPath := kernelEnv(t)
	before := globalTable(t, procnet.Inet6)
	const added = 100
	if before.Stats.Entries+added+50 >= before.Thresh.Thresh3 {
		t.Skipf("the ndisc table holds %d of %d entries: no room", before.Stats.Entries, before.Thresh.Thresh3)
	}
	ns := testbin.NewNetNS(t).Name
	addNeighbours(t, ipPath, ns, procnet.Inet6, 0, added, "stale")
	base := before.Stats.Entries
	res := runIn(t, ipPath, ns, "--family", "inet6", "-w", itoa(base+added-50), "-c", itoa(base+added+300))
	checkResult(t, res, 1, "~NDP-TABLE WARNING: ", "~ndisc_cache entries", "~source rtnetlink RTM_GETNEIGHTBL")
}

// With rtnetlink the refinement reaches the ndisc table too, and takes
// out the externally learned entries (switchdev, EVPN) that the kernel
// leaves out of its count like the permanent ones, from the same dump.
func TestKernelInet6PermanentAndExternLearnedNotCounted(t *testing.T) {
	ipPath := kernelEnv(t)
	kv, err := procnet.NewFS("/proc").KernelVersion()
	if err != nil {
		t.Fatal(err)
	}
	if kv.PermanentCountsAgainstLimit() {
		t.Skipf("kernel %s counts permanent entries against gc_thresh3", kv.Release)
	}
	before := globalTable(t, procnet.Inet6)
	const permanent, ext, stale = 200, 50, 100
	if before.Stats.Entries+stale+50 >= before.Thresh.Thresh3 {
		t.Skipf("the ndisc table holds %d of %d entries: no room", before.Stats.Entries, before.Thresh.Thresh3)
	}
	ns := testbin.NewNetNS(t).Name
	addNeighbours(t, ipPath, ns, procnet.Inet6, 0, permanent, "permanent")
	addNeighbours(t, ipPath, ns, procnet.Inet6, permanent, ext, "stale extern_learn")
	addNeighbours(t, ipPath, ns, procnet.Inet6, permanent+ext, stale, "stale")
	base := before.Stats.Entries
	all := uint64(permanent + ext + stale)
	// The raw count base+350 is past the warning level; less the 250
	// exempt entries, base+100 is OK.
	res := runIn(t, ipPath, ns, "--family", "inet6", "-w", itoa(base+all-150), "-c", itoa(base+all-50))
	checkResult(t, res, 0, "~NDP-TABLE OK: ", fmt.Sprintf("~less %d permanent or externally learned entries of this namespace", permanent+ext),
		"~ndisc_cache entries", "~source rtnetlink RTM_GETNEIGHTBL")
}
