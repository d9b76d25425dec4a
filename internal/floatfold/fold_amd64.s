//go:build amd64 && !purego

#include "textflag.h"

// The lanes of acc: sum at 0, sq at 32, min at 64, max at 96; lanes 0
// and 1 in the low register of each pair, 2 and 3 in the high one.
//
// MINPD dst, src gives dst < src ? dst : src per lane, so with dst a copy
// of the values and src the running minimum it is Go's
// "if v < m { m = v }": a NaN value keeps m. MAXPD likewise.

// func moments4(x *float64, n int, shift float64, a *acc)
TEXT ·moments4(SB), NOSPLIT, $0-32
	MOVQ     x+0(FP), SI
	MOVQ     n+8(FP), CX
	MOVSD    shift+16(FP), X8
	UNPCKLPD X8, X8
	MOVQ     a+24(FP), DI
	MOVUPD   0(DI), X0
	MOVUPD   16(DI), X1
	MOVUPD   32(DI), X2
	MOVUPD   48(DI), X3
	MOVUPD   64(DI), X4
	MOVUPD   80(DI), X5
	MOVUPD   96(DI), X6
	MOVUPD   112(DI), X7
	SHRQ     $2, CX

moments:
	MOVUPD 0(SI), X9
	MOVUPD 16(SI), X10
	ADDPD  X9, X0
	ADDPD  X10, X1
	MOVAPD X9, X11
	MOVAPD X10, X12
	SUBPD  X8, X11
	SUBPD  X8, X12
	MULPD  X11, X11
	MULPD  X12, X12
	ADDPD  X11, X2
	ADDPD  X12, X3
	MOVAPD X9, X11
	MOVAPD X10, X12
	MINPD  X4, X11
	MINPD  X5, X12
	MOVAPD X11, X4
	MOVAPD X12, X5
	MAXPD  X6, X9
	MAXPD  X7, X10
	MOVAPD X9, X6
	MOVAPD X10, X7
	ADDQ   $32, SI
	DECQ   CX
	JNZ    moments

	MOVUPD X0, 0(DI)
	MOVUPD X1, 16(DI)
	MOVUPD X2, 32(DI)
	MOVUPD X3, 48(DI)
	MOVUPD X4, 64(DI)
	MOVUPD X5, 80(DI)
	MOVUPD X6, 96(DI)
	MOVUPD X7, 112(DI)
	RET

// func minMax4(x *float64, n int, a *acc)
TEXT ·minMax4(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	MOVQ   a+16(FP), DI
	MOVUPD 64(DI), X4
	MOVUPD 80(DI), X5
	MOVUPD 96(DI), X6
	MOVUPD 112(DI), X7
	SHRQ   $2, CX

minmax:
	MOVUPD 0(SI), X9
	MOVUPD 16(SI), X10
	MOVAPD X9, X11
	MOVAPD X10, X12
	MINPD  X4, X11
	MINPD  X5, X12
	MOVAPD X11, X4
	MOVAPD X12, X5
	MAXPD  X6, X9
	MAXPD  X7, X10
	MOVAPD X9, X6
	MOVAPD X10, X7
	ADDQ   $32, SI
	DECQ   CX
	JNZ    minmax

	MOVUPD X4, 64(DI)
	MOVUPD X5, 80(DI)
	MOVUPD X6, 96(DI)
	MOVUPD X7, 112(DI)
	RET

// CMPPD src, dst, $1 sets each lane of dst to all ones where dst < src
// (false for NaN); subtracting that mask (-1) counts.

// func countAbove4(x *float64, n int, th float64) int
TEXT ·countAbove4(SB), NOSPLIT, $0-32
	MOVQ     x+0(FP), SI
	MOVQ     n+8(FP), CX
	MOVSD    th+16(FP), X8
	UNPCKLPD X8, X8
	PXOR     X0, X0
	PXOR     X1, X1
	SHRQ     $2, CX

above:
	MOVUPD 0(SI), X9
	MOVUPD 16(SI), X10
	MOVAPD X8, X11
	MOVAPD X8, X12
	CMPPD  X9, X11, $1
	CMPPD  X10, X12, $1
	PSUBQ  X11, X0
	PSUBQ  X12, X1
	ADDQ   $32, SI
	DECQ   CX
	JNZ    above

	PADDQ  X1, X0
	PSHUFD $0xee, X0, X1
	PADDQ  X1, X0
	MOVQ   X0, AX
	MOVQ   AX, ret+24(FP)
	RET

// func countBelow4(x *float64, n int, th float64) int
TEXT ·countBelow4(SB), NOSPLIT, $0-32
	MOVQ     x+0(FP), SI
	MOVQ     n+8(FP), CX
	MOVSD    th+16(FP), X8
	UNPCKLPD X8, X8
	PXOR     X0, X0
	PXOR     X1, X1
	SHRQ     $2, CX

below:
	MOVUPD 0(SI), X9
	MOVUPD 16(SI), X10
	CMPPD  X8, X9, $1
	CMPPD  X8, X10, $1
	PSUBQ  X9, X0
	PSUBQ  X10, X1
	ADDQ   $32, SI
	DECQ   CX
	JNZ    below

	PADDQ  X1, X0
	PSHUFD $0xee, X0, X1
	PADDQ  X1, X0
	MOVQ   X0, AX
	MOVQ   AX, ret+24(FP)
	RET

// func drawdown1(x *float64, n int, st *[3]float64)
// st holds the running peak, the lowest value since it, and the largest
// fall so far; see Drawdown.
TEXT ·drawdown1(SB), NOSPLIT, $0-24
	MOVQ  x+0(FP), SI
	MOVQ  n+8(FP), CX
	MOVQ  st+16(FP), DI
	MOVSD 0(DI), X0
	MOVSD 8(DI), X1
	MOVSD 16(DI), X2
	XORPS X4, X4

walk:
	MOVSD   (SI), X3
	UCOMISD X0, X3
	JHI     peak
	MINSD   X1, X3 // v < trough ? v : trough, as Go's if
	MOVAPD  X3, X1

next:
	ADDQ $8, SI
	DECQ CX
	JNZ  walk

	MOVSD X0, 0(DI)
	MOVSD X1, 8(DI)
	MOVSD X2, 16(DI)
	RET

peak:
	// a fall since the old peak, from a positive one: its share
	UCOMISD X0, X1
	JCC     reset
	UCOMISD X4, X0
	JLS     reset
	MOVAPD  X0, X5
	SUBSD   X1, X5
	DIVSD   X0, X5
	MAXSD   X5, X2

reset:
	MOVAPD X3, X0
	MOVAPD X3, X1
	JMP    next
