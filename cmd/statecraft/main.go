// Command statecraft runs cadCAD-style experiments described by TOML
// configs and writes Parquet datasets. See 'statecraft --help'.
package main

import (
	"os"

	"github.com/statecraft/statecraft/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
