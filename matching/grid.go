package matching

import "math"

// cellDeg is the side of a grid cell in degrees: about 11 km north-south, so that a 25 km
// search visits a few dozen cells, and a city's cell holds a few thousand businesses.
const cellDeg = 0.1

// grid is a spatial index of businesses by cell and service: finding the tyre shops near a
// collision-repair shop reads only the tyre lists of the nearby cells, never the whole map.
type grid struct {
	cells map[uint64][]int32
}

func newGrid() grid { return grid{cells: map[uint64][]int32{}} }

func cellOf(lat, lng float32) (int32, int32) {
	return int32(math.Floor(float64(lat) / cellDeg)), int32(math.Floor(float64(lng) / cellDeg))
}

func cellKey(cy, cx int32, s uint16) uint64 {
	return uint64(uint32(cy+4096))<<40 | uint64(uint32(cx+8192))<<16 | uint64(s)
}

func (gr *grid) add(v int32, lat, lng float32, svcs []uint16) {
	cy, cx := cellOf(lat, lng)
	for _, s := range svcs {
		k := cellKey(cy, cx, s)
		gr.cells[k] = append(gr.cells[k], v)
	}
}

func (gr *grid) remove(v int32, lat, lng float32, svcs []uint16) {
	cy, cx := cellOf(lat, lng)
	for _, s := range svcs {
		k := cellKey(cy, cx, s)
		l := gr.cells[k]
		for i, x := range l {
			if x == v {
				l[i] = l[len(l)-1]
				l = l[:len(l)-1]
				break
			}
		}
		if len(l) == 0 {
			delete(gr.cells, k)
		} else {
			gr.cells[k] = l
		}
	}
}

// rings calls visit for the businesses offering one of the services in the cells around
// (lat, lng), ring of cells by ring outwards up to maxKm. Before each ring it asks more whether
// to go on, telling it how far at least that ring's businesses are, so that a caller that
// already holds enough good candidates stops early.
func (gr *grid) rings(lat, lng float32, maxKm float64, services []uint16, more func(minKm float64) bool, visit func(v int32)) {
	cy, cx := cellOf(lat, lng)
	const kmPerDeg = 111.2
	// A cell is narrowest east-west at the latitude farthest from the equator it reaches.
	far := math.Min(89, math.Abs(float64(lat))+maxKm/kmPerDeg)
	cellKm := cellDeg * kmPerDeg * math.Cos(far*math.Pi/180)
	rmax := int32(math.Ceil(maxKm/cellKm)) + 1
	// Near the poles a ring would span the globe: no business is that far out in practice.
	rmax = min(rmax, 200)
	for r := int32(0); r <= rmax; r++ {
		minKm := float64(max(r-1, 0)) * cellKm
		if minKm > maxKm || !more(minKm) {
			return
		}
		for dy := -r; dy <= r; dy++ {
			step := int32(1)
			if dy != -r && dy != r {
				step = 2 * r // only the ring's left and right edges
			}
			for dx := -r; dx <= r; dx += max(step, 1) {
				for _, s := range services {
					for _, v := range gr.cells[cellKey(cy+dy, cx+dx, s)] {
						visit(v)
					}
				}
				if r == 0 {
					break
				}
			}
		}
	}
}
