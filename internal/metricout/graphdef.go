package metricout

import (
	"encoding/json"
	"fmt"
	"io"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
)

// MetaEnv is set by mackerel-agent when it asks a plugin for its graph
// definitions.
const MetaEnv = "MACKEREL_AGENT_PLUGIN_META"

// WriteDefinitions prints graph definitions the way the helper's
// OutputDefinitions does, to w: graph names below prefix, the key ""
// standing for the prefix itself.
func WriteDefinitions(w io.Writer, prefix string, graphs map[string]mp.Graphs) error {
	return WriteDefinitionsLabelled(w, prefix, "", graphs)
}

// WriteDefinitionsLabelled is WriteDefinitions with labelPrefix and a
// space before every graph title (-metric-label-prefix); "" leaves the
// titles as they are. Metric labels within a graph are not changed.
func WriteDefinitionsLabelled(w io.Writer, prefix, labelPrefix string, graphs map[string]mp.Graphs) error {
	def := mp.GraphDef{Graphs: make(map[string]mp.Graphs, len(graphs))}
	for k, g := range graphs {
		name := prefix
		if k != "" {
			name = prefix + "." + k
		}
		if labelPrefix != "" {
			g.Label = labelPrefix + " " + g.Label
		}
		def.Graphs[name] = g
	}
	b, err := json.Marshal(def)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "# mackerel-agent-plugin\n%s\n", b)
	return err
}

// Units of Mackerel graphs used by the plugins.
const (
	UnitInteger    = "integer"
	UnitBytes      = "bytes"
	UnitPercentage = "percentage"
)
