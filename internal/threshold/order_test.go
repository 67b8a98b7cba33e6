package threshold

import "testing"

func TestCheckOrder(t *testing.T) {
	n := func(flag, s string) Named {
		th, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return Named{Flag: flag, Threshold: th}
	}
	for _, tt := range []struct {
		d                 Direction
		warning, critical Named
		want              string
	}{
		{Above, n("--warning", "80%"), n("--critical", "90%"), ""},
		{Above, n("--warning", "90%"), n("--critical", "90%"), ""},
		{Above, n("--warning", "95%"), n("--critical", "90%"), "--warning 95% is above --critical 90%: the WARNING threshold must be reached first"},
		{Above, n("--warning", "900"), n("--critical", "800"), "--warning 900 is above --critical 800: the WARNING threshold must be reached first"},
		{Above, n("--warning", "1000"), n("--critical", "90%"), ""}, // compared once gc_thresh3 is known
		{Below, n("--warning-available", "3"), n("--critical-available", "1"), ""},
		{Below, n("--warning-available", "1"), n("--critical-available", "3"), "--warning-available 1 is below --critical-available 3: the WARNING threshold must be reached first"},
		{Below, n("--warning-available", "50%"), n("--critical-available", "75%"), "--warning-available 50% is below --critical-available 75%: the WARNING threshold must be reached first"},
		{Below, n("--warning-available", "100%"), n("--critical-available", "1"), ""},
	} {
		err := CheckOrder(tt.d, tt.warning, tt.critical)
		if got := errString(err); got != tt.want {
			t.Errorf("CheckOrder(%v, %v, %v) = %q, want %q", tt.d, tt.warning, tt.critical, got, tt.want)
		}
	}
}

func TestCheckOrderOf(t *testing.T) {
	w := Named{"--warning", Threshold{Value: 1000}}
	c := Named{"--critical", Threshold{Value: 90, Percent: true}}
	want := "--warning 1000 (1000 entries) is above --critical 90% (922 entries) with gc_thresh3 1024: the WARNING threshold must be reached first"
	if got := errString(CheckOrderOf(Above, w, c, 1024, "entries", "gc_thresh3")); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if err := CheckOrderOf(Above, w, c, 2048, "entries", "gc_thresh3"); err != nil {
		t.Errorf("1000 below 90%% of 2048: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
