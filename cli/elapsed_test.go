package cli

import (
	"testing"
	"time"
)

func TestElapsed(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{2412 * time.Millisecond, "2.41s"},
		{38240 * time.Microsecond, "38.2ms"},
		{950400 * time.Nanosecond, "950µs"},
		{3612 * time.Microsecond, "3.61ms"},
		{125 * time.Second, "2m5s"},
		{14449 * time.Millisecond, "14.4s"},
		{250600 * time.Microsecond, "251ms"},
	} {
		if got := elapsed(tc.d); got != tc.want {
			t.Errorf("elapsed(%v) = %q; want %q", tc.d, got, tc.want)
		}
	}
}
