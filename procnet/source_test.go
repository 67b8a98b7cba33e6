package procnet

import "testing"

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

func TestSourceResolve(t *testing.T) {
	for _, tt := range []struct {
		src  Source
		live bool
		want Source
	}{
		{SourceAuto, true, SourceNetlink},
		{SourceAuto, false, SourceProcfs},
		{SourceNetlink, false, SourceNetlink},
		{SourceProcfs, true, SourceProcfs},
	} {
		if got := tt.src.resolve(tt.live); got != tt.want {
			t.Errorf("%v.resolve(live %v) = %v, want %v", tt.src, tt.live, got, tt.want)
		}
	}
	if got := SourceAuto.For(NewFS(t.TempDir())); got != SourceProcfs {
		t.Errorf("auto for a plain directory = %v, want procfs", got)
	}
}
