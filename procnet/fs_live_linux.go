package procnet

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// IsLive reports whether the root is the running kernel's procfs as seen
// by this process, rather than a copy or a fixture tree. It asks what the
// root is, not how it is spelt (as prometheus/procfs does): a procfs
// mount (statfs magic PROC_SUPER_MAGIC) at its top, where "self" names
// this process. Such a root's net/ and sys/net/ show this process's
// network namespace whichever mount it is (HOST_PROC=/host/proc in a
// container reads the container's namespace through the host's procfs,
// since net is a link to self/net), which is the namespace rtnetlink
// answers for, so the two sources agree. A pid directory such as
// /proc/1 is a procfs too, but shows another process's namespace: it is
// not live.
func (fs FS) IsLive() bool {
	var st unix.Statfs_t
	if err := unix.Statfs(fs.root, &st); err != nil || st.Type != unix.PROC_SUPER_MAGIC {
		return false
	}
	_, err := os.Readlink(filepath.Join(fs.root, "self"))
	return err == nil
}
