#!/bin/sh
# A cron health script: runs both checks, prints "<exit code> <message>"
# for each, and exits with the worst status (0 OK, 1 WARNING, 2 CRITICAL,
# 3 UNKNOWN). PLUGIN_BIN defaults to where mkr and the packages install.
bin=${PLUGIN_BIN:-/opt/mackerel-agent/plugins/bin}
worst=0
for check in check-arp-table check-ipvs; do
	message=$("$bin/$check" 2>&1)
	status=$?
	echo "$status $message"
	[ "$status" -gt "$worst" ] && worst=$status
done
exit "$worst"
