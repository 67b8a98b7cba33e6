package procnet

import (
	"errors"
	"testing"
)

func TestParseSource(t *testing.T) {
	for in, want := range map[string]Source{"auto": SourceAuto, "netlink": SourceNetlink, "procfs": SourceProcfs} {
		if got, err := ParseSource(in); err != nil || got != want || got.String() != in {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "Auto", "rtnetlink", "files"} {
		if _, err := ParseSource(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestDecide(t *testing.T) {
	for _, tt := range []struct {
		asked Source
		live  bool
		want  Source
	}{
		{SourceAuto, true, SourceNetlink},
		{SourceAuto, false, SourceProcfs},
		{SourceNetlink, false, SourceNetlink},
		{SourceNetlink, true, SourceNetlink},
		{SourceProcfs, true, SourceProcfs},
		{SourceProcfs, false, SourceProcfs},
	} {
		if got := decide(tt.asked, tt.live); got.Used != tt.want || got.Asked != tt.asked || got.FellBack != nil {
			t.Errorf("decide(%v, live %v) = %+v, want %v", tt.asked, tt.live, got, tt.want)
		}
	}
	if got := Decide(NewFS(t.TempDir()), SourceAuto, false); got.Used != SourceProcfs {
		t.Errorf("auto for a plain directory = %v, want procfs", got.Used)
	}
	if got := Decide(NewFS("/proc"), SourceAuto, true); got.Used != SourceProcfs {
		t.Errorf("auto with a named file = %v, want procfs", got.Used)
	}
}

func TestDecisionFallBack(t *testing.T) {
	cause := errors.New("permission denied")
	auto := decide(SourceAuto, true)
	if !auto.fallBack(cause) || auto.Used != SourceProcfs || auto.FellBack != cause {
		t.Errorf("auto after a netlink failure: %+v, want procfs with the cause", auto)
	}
	explicit := decide(SourceNetlink, true)
	if explicit.fallBack(cause) || explicit.Used != SourceNetlink || explicit.FellBack != nil {
		t.Errorf("netlink after a netlink failure: %+v, want no fallback", explicit)
	}
}
