package conversation

import (
	"math"
	"testing"

	"github.com/heedhq/heed/cases/casestest"
)

func TestNearestCommunity(t *testing.T) {
	cfg := casestest.Config(t) // examples/heed.yaml: 星河湾 at 22.5405,113.9342; 翠湖苑 at 22.5560,114.0590
	e := &Engine{cfg: cfg}
	for _, tc := range []struct {
		lat, lng float64
		want     string
	}{
		{22.5421, 113.9360, "xinghewan"},         // a few hundred metres away
		{22.5500, 114.0500, "cuihuyuan"},         // nearer 翠湖苑
		{22.5405, 113.9700, ""},                  // 3.7 km east of 星河湾: no community
		{39.9087, 116.3975, ""},                  // another city
		{22.5405 + 0.026, 113.9342, "xinghewan"}, // 2.9 km north
	} {
		if got := e.nearestCommunity(tc.lat, tc.lng); got != tc.want {
			t.Errorf("nearest to %v,%v = %q, want %q", tc.lat, tc.lng, got, tc.want)
		}
	}
	for i := range cfg.Communities {
		cfg.Communities[i].Lat, cfg.Communities[i].Lng = nil, nil
	}
	if got := e.nearestCommunity(22.5405, 113.9342); got != "" {
		t.Errorf("without coordinates: %q", got)
	}
	// Beijing to Shanghai, about 1,068 km.
	if d := distanceKm(39.9042, 116.4074, 31.2304, 121.4737); math.Abs(d-1068) > 5 {
		t.Errorf("distance %.0f km", d)
	}
}

func TestContactPhone(t *testing.T) {
	for in, want := range map[string]string{"8613812345678": "13812345678", "+86 138 1234 5678": "13812345678",
		"85291234567": "+85291234567", "13812345678": "13812345678"} {
		if got, ok := cardPhone(in); !ok || got != want {
			t.Errorf("cardPhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := cardPhone("12"); ok {
		t.Error("a two-digit number was taken")
	}
}
