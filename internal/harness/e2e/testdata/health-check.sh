#!/bin/sh
# A cron health script: runs both checks, prints "<exit code> <message>"
# for each, and exits with the worst status, in Mackerel's order
# OK (0) < WARNING (1) < UNKNOWN (3, or any other code) < CRITICAL (2).
# PLUGIN_BIN defaults to where mkr and the packages install.
bin=${PLUGIN_BIN:-/opt/mackerel-agent/plugins/bin}
rank() {
	case $1 in
	0) echo 0 ;;
	1) echo 1 ;;
	2) echo 3 ;;
	*) echo 2 ;;
	esac
}
worst=0
for check in check-arp-table check-ipvs; do
	message=$("$bin/$check" 2>&1)
	status=$?
	echo "$status $message"
	[ "$(rank "$status")" -gt "$(rank "$worst")" ] && worst=$status
done
case $worst in 0 | 1 | 2) exit "$worst" ;; esac
exit 3
