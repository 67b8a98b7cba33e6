module github.com/procnet/mackerel-plugin-proc-net

go 1.26.0

require (
	github.com/jessevdk/go-flags v1.6.1
	github.com/mackerelio/checkers v0.2.1
	github.com/mackerelio/go-mackerel-plugin-helper v0.1.4
	golang.org/x/sys v0.49.0
)

require (
	github.com/mackerelio/golib v1.2.1 // indirect
	golang.org/x/text v0.25.0 // indirect
)
