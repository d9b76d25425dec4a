package report_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/report"
	"github.com/statecraft/statecraft/runner"
)

// Write the HTML report of a dataset: here one just run, as statecraft
// run does at its end.
func ExampleWrite() {
	x, err := configs.LoadEmbedded("predator_prey", "timesteps=50", "runs=3", "report.html=false")
	if err != nil {
		log.Fatal(err)
	}
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "report-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if _, err := runner.Run(context.Background(), p, runner.Options{Dir: dir}); err != nil {
		log.Fatal(err)
	}
	path, err := report.Write(dir, report.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(filepath.Base(path))
	// Output: _report.html
}

// Write the report of a run from the rows a Collector kept as the run
// wrote them, as statecraft run does: the report does not read the
// substep table back.
func ExampleCollector() {
	x, err := configs.LoadEmbedded("predator_prey", "timesteps=50", "runs=3")
	if err != nil {
		log.Fatal(err)
	}
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "report-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	rows := report.NewCollector(p, report.Options{})
	res, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Rows: rows.Add})
	if err != nil {
		log.Fatal(err)
	}
	opt := report.Options{}
	if res.Resumed == 0 { // the rows of jobs an earlier process finished are only in the files
		opt.Rows = rows
	}
	path, err := report.Write(dir, opt)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(filepath.Base(path))
	// Output: _report.html
}
