package config

import (
	"math"
	"testing"
)

func TestCommunityCoordinates(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name     string
		lat, lng *float64
		want     []string
	}{
		{"neither", nil, nil, nil},
		{"both in range", f(22.5431), f(113.9345), nil},
		{"only lat", f(22.5), nil, []string{`communities[0].lng: required with lat`}},
		{"only lng", nil, f(113.9), []string{`communities[0].lat: required with lng`}},
		{"swapped", f(113.9345), f(22.5431), []string{`communities[0].lat: 113.9345 is not a latitude (-90 to 90 degrees)`}},
		{"out of range", f(-91), f(181), []string{
			`communities[0].lat: -91 is not a latitude (-90 to 90 degrees)`,
			`communities[0].lng: 181 is not a longitude (-180 to 180 degrees)`,
		}},
		{"not a number", f(math.NaN()), f(0), []string{`communities[0].lat: NaN is not a latitude (-90 to 90 degrees)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := loadExample(t)
			c.Communities[0].Lat, c.Communities[0].Lng = tc.lat, tc.lng
			sameProblems(t, c.Validate(), tc.want)
		})
	}
}

func TestExampleCommunitiesHaveCoordinates(t *testing.T) {
	c := loadExample(t)
	cm := c.Communities[0]
	if cm.Lat == nil || cm.Lng == nil || *cm.Lat != 22.5405 || *cm.Lng != 113.9342 {
		t.Fatalf("communities[0] lat/lng = %v/%v", cm.Lat, cm.Lng)
	}
}
