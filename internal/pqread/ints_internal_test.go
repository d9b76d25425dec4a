package pqread

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// encodeDelta is a plain DELTA_BINARY_PACKED encoder, the spec's
// (blocks of 128 values in 4 miniblocks of 32), as an oracle for
// decodeDelta. With cut, the page's last miniblock ends after its last
// value's bits instead of being padded (the spec pads it; a reader
// accepts both).
func encodeDelta[T int32 | int64](vals []T, cut bool) []byte {
	const block, mbs, per = 128, 4, 32
	width := 8 * int(unsafe.Sizeof(T(0)))
	mask := ^uint64(0) >> (64 - width)
	zz := func(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }
	b := binary.AppendUvarint(nil, block)
	b = binary.AppendUvarint(b, mbs)
	b = binary.AppendUvarint(b, uint64(len(vals)))
	if len(vals) == 0 {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, zz(int64(vals[0])))
	for i := 1; i < len(vals); i += block {
		n := min(block, len(vals)-i)
		d := make([]T, n)
		minD := vals[i] - vals[i-1]
		for j := range d {
			d[j] = vals[i+j] - vals[i+j-1]
			minD = min(minD, d[j])
		}
		b = binary.AppendUvarint(b, zz(int64(minD)))
		var ws [mbs]int
		for m := range mbs {
			for j := m * per; j < min((m+1)*per, n); j++ {
				ws[m] = max(ws[m], bits.Len64(uint64(d[j]-minD)&mask))
			}
			b = append(b, byte(ws[m]))
		}
		for m := range mbs {
			if m*per >= n {
				break
			}
			body := make([]byte, per*ws[m]/8+8)
			for j := m * per; j < min((m+1)*per, n); j++ {
				u, at := uint64(d[j]-minD)&mask, uint((j-m*per)*ws[m])
				for k := 0; k < ws[m]; k++ {
					if u>>k&1 == 1 {
						body[(at+uint(k))/8] |= 1 << ((at + uint(k)) % 8)
					}
				}
			}
			size := per * ws[m] / 8
			if last := min((m+1)*per, n) - m*per; cut && i+block >= len(vals) && last < per {
				size = (last*ws[m] + 7) / 8
			}
			b = append(b, body[:size]...)
		}
	}
	return b
}

func TestDecodeDelta(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	counter := func(n int, from, step int64) []int64 {
		v := make([]int64, n)
		for i := range v {
			v[i] = from + int64(i)*step
		}
		return v
	}
	random := func(n int, f func() int64) []int64 {
		v := make([]int64, n)
		for i := range v {
			v[i] = f()
		}
		return v
	}
	for name, vals := range map[string][]int64{
		"empty":             nil,
		"one":               {-7},
		"a counter":         counter(1000, 0, 1),
		"a falling counter": counter(300, 5, -3),
		"a part miniblock":  counter(40, 1, 1),
		"small noise":       random(700, func() int64 { return r.Int64N(100) - 50 }),
		"every width":       random(2000, func() int64 { return int64(r.Uint64() >> r.UintN(64)) }),
		"the extremes":      random(513, func() int64 { return []int64{math.MinInt64, math.MaxInt64, 0, -1}[r.IntN(4)] }),
	} {
		for _, cut := range []bool{false, true} {
			if err := roundTrip(vals, cut); err != nil {
				t.Fatalf("%s (cut %v): %v", name, cut, err)
			}
			// the same values as int32s, their deltas wrapping
			v32 := make([]int32, len(vals))
			for i, v := range vals {
				v32[i] = int32(v)
			}
			if err := roundTrip(v32, cut); err != nil {
				t.Fatalf("%s as int32 (cut %v): %v", name, cut, err)
			}
		}
	}
}

// roundTrip encodes vals, decodes them, and reports the first difference.
func roundTrip[T int32 | int64](vals []T, cut bool) error {
	got := make([]T, len(vals))
	if err := decodeDelta(encodeDelta(vals, cut), got); err != nil {
		return err
	}
	for i := range vals {
		if got[i] != vals[i] {
			return fmt.Errorf("value %d is %d, want %d", i, got[i], vals[i])
		}
	}
	return nil
}

func TestDecodeDeltaErrors(t *testing.T) {
	good := encodeDelta(make([]int64, 200), false) // 200 zeros: width 0
	noisy := encodeDelta([]int64{0, 1 << 40, 3, 1 << 50, 7}, true)
	header := func(vals ...uint64) []byte {
		var b []byte
		for _, v := range vals {
			b = binary.AppendUvarint(b, v)
		}
		return b
	}
	width65 := append(header(128, 4, 2, 0, 0), 65, 0, 0, 0)
	for _, c := range []struct {
		name string
		data []byte
		n    int
		want string
	}{
		{"no bytes", nil, 1, "header: a varint cut short"},
		{"a block of 100", header(100, 4, 1, 0), 1, "block of 100 values"},
		{"a block of 0", header(0, 4, 1, 0), 1, "block of 0 values"},
		{"a block of 2^21", header(1<<21, 4, 1, 0), 1, "block of 2097152 values"},
		{"0 miniblocks", header(128, 0, 1, 0), 1, "0 miniblocks"},
		{"miniblocks of 24", header(384, 16, 1, 0), 1, "16 miniblocks in a block of 384"},
		{"another count", good, 199, "header of 200 values in a page of 199"},
		{"a block cut", good[:7], 200, "block at value 1: 4 bytes needed, 0 left"},
		{"a bit width of 65", width65, 2, "bit width 65"},
		{"a miniblock cut", noisy[:len(noisy)-1], 5, "miniblock at value 1"},
		{"a varint too long", append(header(128, 4, 1), bytesOf(0xff, 11)...), 1, "a varint cut short or too long"},
	} {
		dst := make([]int64, c.n)
		err := decodeDelta(c.data, dst)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
	if err := decodePlain(make([]byte, 15), make([]int64, 2)); err == nil || !strings.Contains(err.Error(), "15 bytes of PLAIN values, 16 needed") {
		t.Errorf("PLAIN values cut short: %v", err)
	}
}

func bytesOf(b byte, n int) []byte { return []byte(strings.Repeat(string(b), n)) }

// FuzzDecodeDelta: any bytes decode to values or an error, never a panic;
// values encoded decode to themselves.
func FuzzDecodeDelta(f *testing.F) {
	f.Add(encodeDelta([]int64{1, 2, 3, 100, -5}, false), 5)
	f.Add(encodeDelta([]int64{math.MaxInt64, math.MinInt64}, true), 2)
	f.Add([]byte{0x80, 0x01, 0x04, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00}, 3)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		n = int(uint(n) % 4096)
		_ = decodeDelta(data, make([]int64, n))
		_ = decodeDelta(data, make([]int32, n))
		// the bytes read as values: an encoding of them round trips
		vals := make([]int64, len(data)/8)
		for i := range vals {
			vals[i] = int64(binary.LittleEndian.Uint64(data[8*i:]))
		}
		if err := roundTrip(vals, n%2 == 1); err != nil {
			t.Fatal(err)
		}
	})
}
