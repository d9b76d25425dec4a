package sample_test

import (
	"fmt"

	"github.com/statecraft/statecraft/decide/sample"
)

func ExampleSobol() {
	dims := []sample.Dim{
		{Name: "alpha", Min: 0, Max: 2},
		{Name: "agents", Min: 10, Max: 1000, Log: true, Int: true},
	}
	pts, err := sample.Sobol(4, dims, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pts {
		fmt.Printf("alpha=%g agents=%g\n", p[0], p[1])
	}
	// Output:
	// alpha=1 agents=100
	// alpha=1.5 agents=32
	// alpha=0.5 agents=316
	// alpha=0.75 agents=56
}

func ExampleLatinHypercube() {
	dims := []sample.Dim{
		{Name: "beta", Min: 0, Max: 1},
		{Name: "rate", Min: 0.01, Max: 100, Log: true},
	}
	pts, err := sample.LatinHypercube(4, dims, 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Each quarter of beta's range, and each decade of rate's, holds one point.
	for _, p := range pts {
		fmt.Printf("beta=%.4f rate=%.4f\n", p[0], p[1])
	}
	// Output:
	// beta=0.8158 rate=0.3544
	// beta=0.0679 rate=6.1423
	// beta=0.2988 rate=47.9109
	// beta=0.6639 rate=0.0773
}

func ExampleDim_Validate() {
	d := sample.Dim{Name: "workers", Min: 0.2, Max: 0.8, Int: true}
	fmt.Println(d.Validate())
	_, err := sample.Sobol(8, []sample.Dim{d}, 0)
	fmt.Println(err)
	// Output:
	// int range [0.2, 0.8] holds no integer
	// workers: int range [0.2, 0.8] holds no integer
}
