package partnergraph

import "math"

// Point is a WGS-84 position in degrees.
type Point struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// Validate reports an out-of-range coordinate as EINVALID naming "lat" or "lng".
func (p Point) Validate() error {
	if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
		return Invalidf("lat", "must be between -90 and 90")
	}
	if math.IsNaN(p.Lng) || p.Lng < -180 || p.Lng > 180 {
		return Invalidf("lng", "must be between -180 and 180")
	}
	return nil
}

const earthRadiusKm = 6371.0088

// DistanceKm is the great-circle (haversine) distance between a and b in kilometres.
func DistanceKm(a, b Point) float64 {
	const rad = math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLng := (b.Lng - a.Lng) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// BoundingBox returns the smallest latitude/longitude box that holds every point within
// radiusKm of c, so that stores can narrow a distance filter with an index before computing
// exact distances.
func BoundingBox(c Point, radiusKm float64) (min, max Point) {
	dLat := radiusKm / earthRadiusKm * 180 / math.Pi
	min.Lat, max.Lat = math.Max(-90, c.Lat-dLat), math.Min(90, c.Lat+dLat)
	cos := math.Cos(c.Lat * math.Pi / 180)
	if cos < 1e-6 || max.Lat >= 90 || min.Lat <= -90 {
		min.Lng, max.Lng = -180, 180
		return min, max
	}
	dLng := dLat / cos
	if dLng >= 180 {
		min.Lng, max.Lng = -180, 180
		return min, max
	}
	min.Lng, max.Lng = c.Lng-dLng, c.Lng+dLng
	// A box crossing the antimeridian is widened to all longitudes: rare, and still correct.
	if min.Lng < -180 || max.Lng > 180 {
		min.Lng, max.Lng = -180, 180
	}
	return min, max
}
