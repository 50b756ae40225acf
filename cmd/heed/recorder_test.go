package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestStatusRecorderFlushes: a streaming handler behind heed's metrics
// middleware can flush through http.ResponseController, and the status
// it wrote is still counted.
func TestStatusRecorderFlushes(t *testing.T) {
	inner := httptest.NewRecorder()
	rec := &statusRecorder{ResponseWriter: inner, code: http.StatusOK}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte("first part\n")) //nolint:errcheck
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Fatalf("flush through the recorder: %v", err)
		}
	})
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/stream", nil))
	if !inner.Flushed {
		t.Error("the underlying writer was not flushed")
	}
	if rec.code != http.StatusAccepted || inner.Code != http.StatusAccepted {
		t.Errorf("status recorded %d, written %d; want 202", rec.code, inner.Code)
	}
}
