package cli_test

import (
	"fmt"
	"os"

	"github.com/statecraft/statecraft/cli"
)

// Main runs a command line: here, validate an embedded config without
// running it. A custom binary registers its own models or blocks
// (models.Register, blocks.Register) and then calls Main.
func ExampleMain() {
	code := cli.Main([]string{"validate", "conformance/lag"}, os.Stdout, os.Stderr)
	fmt.Println("exit", code)
	// Output:
	// embedded:conformance/lag: ok
	//   simulation 0 (-): model lag (hash bf93f53e77c5df8c), 1 subsets × 1 runs
	//   jobs: 1, rows per job: 25, rows: 25
	//   estimate: peak memory 36 MiB (1 worker × (batch 1.6 KiB + row group 1.2 KiB + state 0 B + writer 4 MiB) + 32 MiB), output at most 1.2 KiB (25 rows × 48 B, uncompressed)
	//   columns: simulation int32, subset int32, run int32, timestep int64, substep int32, x float64, x_lag2 float64, y float64
	// exit 0
}
