package threshold

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Threshold
		of1024  float64
		wantErr bool
	}{
		{"80%", Threshold{80, true}, 819.2, false},
		{"850", Threshold{850, false}, 850, false},
		{" 90% ", Threshold{90, true}, 921.6, false},
		{"0", Threshold{0, false}, 0, false},
		{"100%", Threshold{100, true}, 1024, false},
		{"101%", Threshold{}, 0, true},
		{"-1", Threshold{}, 0, true},
		{"abc", Threshold{}, 0, true},
		{"", Threshold{}, 0, true},
		{"%", Threshold{}, 0, true},
		{"NaN", Threshold{}, 0, true},
		{"Inf", Threshold{}, 0, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Parse(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if got != tt.want || got.Of(1024) != tt.of1024 {
			t.Errorf("Parse(%q) = %+v (of 1024: %v), want %+v (%v)", tt.in, got, got.Of(1024), tt.want, tt.of1024)
		}
	}
}

func TestParseFlagNamesTheFlag(t *testing.T) {
	if got, err := ParseFlag("--warning", "5"); err != nil || got != (Threshold{Value: 5}) {
		t.Errorf("ParseFlag(5) = %+v, %v", got, err)
	}
	_, err := ParseFlag("--warning", "200%")
	if want := `--warning: invalid threshold "200%": a percentage is at most 100%`; err == nil || err.Error() != want {
		t.Errorf("ParseFlag(200%%) error %v, want %q", err, want)
	}
}
