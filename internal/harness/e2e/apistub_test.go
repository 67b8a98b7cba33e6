//go:build e2e

package e2e

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// graphDef and checkReport are what the agent posts, as the Mackerel API
// documents them.
type graphDef struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Unit        string `json:"unit"`
	Metrics     []struct {
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
		IsStacked   bool   `json:"isStacked"`
	} `json:"metrics"`
}

type checkReport struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// apiStub answers the few Mackerel API calls the agent makes and records
// the graph definitions and check reports it posts.
type apiStub struct {
	*httptest.Server
	hostID string

	mu        sync.Mutex
	graphDefs map[string]graphDef
	reports   map[string]checkReport
	changed   chan struct{}
}

func newAPIStub(t *testing.T) *apiStub {
	s := &apiStub{
		hostID:    hostIDWithoutDelay(),
		graphDefs: map[string]graphDef{},
		reports:   map[string]checkReport{},
		changed:   make(chan struct{}, 1),
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *apiStub) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v0/hosts":
		fmt.Fprintf(w, `{"id":%q}`, s.hostID)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v0/hosts/"):
		fmt.Fprintf(w, `{"host":{"id":%q,"name":"e2e","status":"working","memo":"","roles":{},"meta":{}}}`, s.hostID)
	case r.URL.Path == "/api/v0/graph-defs/create":
		var defs []graphDef
		if err := json.Unmarshal(body, &defs); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.record(func() {
			for _, d := range defs {
				s.graphDefs[d.Name] = d
			}
		})
		fmt.Fprint(w, `{"success":true}`)
	case r.URL.Path == "/api/v0/monitoring/checks/report":
		var payload struct {
			Reports []checkReport `json:"reports"`
		}
		if err := json.Unmarshal(body, &payload); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.record(func() {
			// The first report of each check: the agent runs the checks
			// again every minute, and a later run sees the first one's
			// state file, so its message differs.
			for _, r := range payload.Reports {
				if _, seen := s.reports[r.Name]; !seen {
					s.reports[r.Name] = r
				}
			}
		})
		fmt.Fprint(w, `{"success":true}`)
	default:
		fmt.Fprint(w, `{"success":true}`)
	}
}

func (s *apiStub) record(f func()) {
	s.mu.Lock()
	f()
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// snapshot returns copies of what was posted so far.
func (s *apiStub) snapshot() (map[string]graphDef, map[string]checkReport) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := make(map[string]graphDef, len(s.graphDefs))
	for k, v := range s.graphDefs {
		g[k] = v
	}
	r := make(map[string]checkReport, len(s.reports))
	for k, v := range s.reports {
		r[k] = v
	}
	return g, r
}

// hostIDWithoutDelay returns a host id for which the agent waits no time
// before its first post: it waits (sha1(id)[19] % 60) / 2 seconds.
func hostIDWithoutDelay() string {
	for i := 0; ; i++ {
		id := fmt.Sprintf("e2ehost%d", i)
		s := sha1.Sum([]byte(id))
		if int(s[len(s)-1])%60 < 2 {
			return id
		}
	}
}
