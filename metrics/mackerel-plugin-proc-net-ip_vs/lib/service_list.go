package ipvs

// serviceList holds the services of one read in chunks of a fixed size:
// on a table of thousands of services a slice grown by doubling copies,
// and faults in, about twice what it holds, and fresh pages are dear.
type serviceList struct {
	chunks [][]service
	n      int
}

const serviceChunk = 256

// add appends s and returns where it is kept.
func (l *serviceList) add(s service) *service {
	if l.n%serviceChunk == 0 {
		l.chunks = append(l.chunks, make([]service, 0, serviceChunk))
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, s)
	l.n++
	return &(*c)[len(*c)-1]
}

func (l *serviceList) len() int { return l.n }

func (l *serviceList) at(i int) *service { return &l.chunks[i/serviceChunk][i%serviceChunk] }
