package checkipvs_test

import (
	"os"
	"strconv"
	"testing"
)

// TestBinaryDefense runs the check on trees whose defense sysctls show
// each situation; the state file is per test, the table all available.
func TestBinaryDefense(t *testing.T) {
	state := func() []string { return []string{"--state-file", t.TempDir() + "/s"} }
	runCases(t, []binaryCase{
		{
			name:       "automatic, idle",
			args:       args(root("ipvs-defense-idle"), state()),
			wantCode:   0,
			wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n",
		},
		{
			name:       "drop_entry active: the kernel is dropping",
			args:       args(root("ipvs-defense-drop-entry-active"), state()),
			wantCode:   2,
			wantStdout: "IPVS CRITICAL: IPVS defense active: drop_entry=2 dropping connection entries (MemFree+Buffers " + defensePages(1745392+2048) + " pages < amemthresh 2000000 pages); 6 services, 10 real servers, all available\n",
		},
		{
			name:       "drop_entry active, --no-defense",
			args:       args(root("ipvs-defense-drop-entry-active"), state(), []string{"--no-defense"}),
			wantCode:   0,
			wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n",
		},
		{
			name:       "drop_packet always on",
			args:       args(root("ipvs-defense-drop-packet-always"), state()),
			wantCode:   1,
			wantStdout: "IPVS WARNING: IPVS defense always on: drop_packet=3 dropping packets; 6 services, 10 real servers, all available\n",
		},
		{
			name:       "a mode out of range names file and line",
			args:       args(root("ipvs-defense-malformed"), state()),
			wantCode:   3,
			wantStdout: "IPVS UNKNOWN: defense mode unknown: " + fixture("ipvs-defense-malformed") + "/sys/net/ipv4/vs/drop_packet:1: defense mode 7: want 0 to 3; 6 services, 10 real servers, all available\n",
		},
	})
}

// defensePages is kB of meminfo in pages of this system.
func defensePages(kB uint64) string { return strconv.FormatUint(kB*1024/uint64(os.Getpagesize()), 10) }
