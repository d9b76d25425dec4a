package configs_test

import (
	"fmt"

	"github.com/statecraft/statecraft/configs"
)

// Parse decodes and checks a config: every key known, every value of its
// type, enumerated values typed, every default filled in.
func ExampleParse() {
	text := `
model = "predator_prey"
timesteps = 100
runs = 4

[params]
alpha = [1.1, 1.2]

[sweep]
mode = "grid"
`
	x, err := configs.Parse("exp.toml", []byte(text), "runs=8")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(x.Model, x.Timesteps, x.Runs, x.Sweep.Mode == configs.SweepGrid)
	fmt.Println(x.Output.Dir, x.Output.Format, x.Output.Compression, x.OnNaN)
	for _, m := range x.Models() {
		fmt.Printf("%s = %q\n", m.Key, m.Name)
	}
	// Output:
	// predator_prey 100 8 true
	// out/exp parquet snappy fail
	// model = "predator_prey"
}

// A bad value is reported at its file, line and column, with the key.
func ExampleParse_error() {
	_, err := configs.Parse("exp.toml", []byte("model = \"m\"\ntimesteps = 10\n\n[output]\nformat = \"parket\"\n"))
	fmt.Println(err)
	// Output:
	// exp.toml:5:11: key "output.format": must be one of parquet, arrow, csv, got "parket" (did you mean "parquet"?)
}
