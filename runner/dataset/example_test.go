package dataset_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/statecraft/statecraft/runner/dataset"
)

// The names of the files shard 1 of 4 writes.
func ExampleShard() {
	s := &dataset.Shard{Dir: "out/abm", Index: 1, Count: 4, Ext: ".parquet", Tables: []string{"agents"}}
	part := s.PartName(0, 2) // worker 0's third part
	fmt.Println(dataset.FileName("", part))
	fmt.Println(dataset.FileName("agents", part))
	fmt.Println(filepath.ToSlash(s.ManifestPath()))
	fmt.Println(dataset.ManifestName, "once merged")
	// Output:
	// part-0001-000-0002.parquet
	// _tables/agents/part-0001-000-0002.parquet
	// out/abm/_manifest-shard-0001-of-0004.json
	// _manifest.json once merged
}

// Reading a finished dataset's manifest: its rows, and where each agent
// table is.
func ExampleReadManifest() {
	dir, err := os.MkdirTemp("", "dataset")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// a run writes the manifest last (here, one made up)
	s := &dataset.Shard{Dir: dir}
	if _, err := s.WriteManifest(&dataset.Manifest{Program: "statecraft", Rows: 1204, Complete: true,
		Tables: map[string]*dataset.TableInfo{"agents": {Dir: dataset.TableDir("agents"), Rows: 120400}}}); err != nil {
		log.Fatal(err)
	}

	m, err := dataset.ReadManifest(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Rows, "rows, complete:", m.Complete)
	for name, t := range m.Tables {
		fmt.Printf("table %s: %d rows in %s\n", name, t.Rows, t.Dir)
	}
	// Output:
	// 1204 rows, complete: true
	// table agents: 120400 rows in _tables/agents
}

// Where a run into a directory that does not exist yet writes until its
// commit renames the whole directory into place.
func ExampleStagingDir() {
	fmt.Println(filepath.ToSlash(dataset.StagingDir("out/predator_prey")))
	fmt.Println(filepath.ToSlash(dataset.StagingDir("results/")))
	// Output:
	// out/.statecraft-staging-predator_prey
	// .statecraft-staging-results
}
