package metricout

// maxRateGap is the longest gap between two runs, in seconds, over which
// a rate is still computed, as in go-mackerel-plugin-helper.
const maxRateGap = 600

// perMinute returns the per-minute rate of a counter that went from last
// to cur over secs whole seconds, and false when no honest rate exists: the first
// run, a gap under a second or over ten minutes, or a counter that went
// backwards (module reload, ipvsadm -Z, a 32-bit wrap), which would
// otherwise draw a spike.
func perMinute(last, cur float64, secs int64) (float64, bool) {
	if secs < 1 || secs > maxRateGap || cur < last {
		return 0, false
	}
	return (cur - last) * 60 / float64(secs), true
}
