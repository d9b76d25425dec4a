package runner_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/statecraft/statecraft/internal/readback"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// crashConfig is the experiment the crash tests kill and resume: a sweep
// with Monte Carlo runs, KPIs and criteria (so the KPI table and the
// decisions are committed too), checkpointing after every job. %d is the
// number of timesteps.
const crashConfig = `
model = "predator_prey"
timesteps = %d
runs = 4
[params]
alpha = [1.1, 1.2, 1.3]
[initial_state]
prey = 10.0
predator = 10.0
[output]
row_group_rows = 500
checkpoint_seconds = 0.000001
[kpis]
final_prey = { of = "prey" }
max_predator = { of = "predator", stat = "max" }
[[criteria]]
name = "prey_alive"
expr = "final_prey > 0.5"
[report]
html = false
`

// The environment of the crash helper: the dataset directory, the
// timesteps, and when to die: after a delay, or at a commit step.
const (
	envHelper    = "STATECRAFT_CRASH_HELPER"
	envDir       = "STATECRAFT_CRASH_DIR"
	envTimesteps = "STATECRAFT_CRASH_TIMESTEPS"
	envAfter     = "STATECRAFT_CRASH_AFTER_US"
	envStep      = "STATECRAFT_CRASH_STEP"
	envShard     = "STATECRAFT_CRASH_SHARD" // i/n
	envJobs      = "STATECRAFT_CRASH_JOBS"  // die once the journal holds this many jobs, and envAfter later
	envOverwrite = "STATECRAFT_CRASH_OVERWRITE"
)

// TestCrashHelper is not a test: the crash tests run the test binary as a
// child process that runs crashConfig into a directory and kills itself
// with SIGKILL, after a delay or at a step of the commit.
func TestCrashHelper(t *testing.T) {
	if os.Getenv(envHelper) != "1" {
		t.Skip("run by the crash tests")
	}
	die := func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) }
	us, _ := strconv.Atoi(os.Getenv(envAfter))
	opt := runner.Options{Dir: os.Getenv(envDir), Workers: 2, Overwrite: os.Getenv(envOverwrite) == "1"}
	if jobs, err := strconv.Atoi(os.Getenv(envJobs)); err == nil {
		var mu sync.Mutex
		done, once := 0, false
		kill := func() {
			if !once {
				once = true
				time.AfterFunc(time.Duration(us)*time.Microsecond, die)
			}
		}
		if jobs == 0 {
			kill()
		}
		dataset.CheckpointHook = func(n int) {
			mu.Lock()
			defer mu.Unlock()
			if done += n; done >= jobs {
				kill()
			}
		}
	}
	if n, err := strconv.Atoi(os.Getenv(envStep)); err == nil {
		step := 0
		dataset.CommitHook = func(string) {
			if step == n {
				die()
			}
			step++
		}
	}
	ts, _ := strconv.Atoi(os.Getenv(envTimesteps))
	fmt.Sscanf(os.Getenv(envShard), "%d/%d", &opt.Shard, &opt.Shards)
	_, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, ts))), opt)
	if err != nil {
		t.Fatal(err)
	}
}

// helper starts the helper into dir with the extra environment.
func helper(dir string, timesteps int, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), envHelper+"=1", envDir+"="+dir, envTimesteps+"="+strconv.Itoa(timesteps))
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// crash runs the helper into dir with the extra environment, and reports
// whether it was killed (rather than finishing).
func crash(t *testing.T, dir string, timesteps int, env ...string) bool {
	t.Helper()
	out, err := helper(dir, timesteps, env...).CombinedOutput()
	if err == nil {
		return false
	}
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
	}
	t.Fatalf("crash helper: %v\n%s", err, out)
	return false
}

// workDir is where a run into dir keeps its journal: dir, or the staging
// directory while a run into a directory that did not exist is unfinished.
func workDir(dir string) string {
	if _, err := os.Stat(dir); err != nil {
		return dataset.StagingDir(dir)
	}
	return dir
}

// journalJobs returns the number of jobs the journal in dir holds.
func journalJobs(t *testing.T, dir string) int {
	t.Helper()
	f, err := os.Open(filepath.Join(workDir(dir), ".statecraft-journal.jsonl"))
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var l struct {
			Checkpoint *struct {
				Jobs []json.RawMessage `json:"jobs"`
			} `json:"checkpoint"`
		}
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.Checkpoint != nil {
			n += len(l.Checkpoint.Jobs)
		}
	}
	return n
}

// visible classifies what a reader sees in dir: "nothing" (no part file
// or manifest under its own name), "complete" (the manifest, and every
// file it lists), or "partial".
func visible(t *testing.T, dir string) string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if len(files) == 0 {
		return "nothing"
	}
	man, err := dataset.ReadManifest(dir)
	if err != nil {
		return "partial"
	}
	listed := map[string]bool{dataset.ManifestName: true, "_decision.json": true, "_decision.txt": true}
	for _, f := range man.Files {
		listed[f.Name] = true
	}
	for _, f := range man.KPIs.Files {
		listed[f.Name] = true
	}
	if len(files) != len(listed) {
		return "partial"
	}
	for _, f := range files {
		if !listed[f] {
			return "partial"
		}
	}
	return "complete"
}

// decided reports whether the journal in dir records a commit: the
// renames of its files are all that is left, and the next statecraft
// command on the directory completes them.
func decided(dir string) bool {
	data, _ := os.ReadFile(filepath.Join(workDir(dir), ".statecraft-journal.jsonl"))
	return strings.Contains(string(data), `{"commit":`)
}

// reference runs crashConfig uninterrupted and returns its substep and
// KPI tables, sorted.
func reference(t *testing.T, timesteps int) (rows, kpis *readback.Dataset) {
	t.Helper()
	dir := t.TempDir()
	if _, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: dir, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	return readSorted(t, dir), kpiTable(t, dir)
}

// resumeAndCompare reruns crashConfig into dir, checks that it kept every
// job the journal held and ran only the others, and that the dataset is
// the uninterrupted run's.
func resumeAndCompare(t *testing.T, dir string, timesteps int, rows, kpis *readback.Dataset) {
	t.Helper()
	kept := journalJobs(t, dir)
	res, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: dir, Workers: 2})
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if res.Resumed != kept && !(kept == 0 && res.Resumed == res.Jobs) {
		t.Errorf("resume kept %d jobs, the journal held %d", res.Resumed, kept)
	}
	assertSameRows(t, rows, readSorted(t, dir))
	assertSameRows(t, kpis, kpiTable(t, dir))
	if v := visible(t, dir); v != "complete" {
		t.Errorf("after the resume, a reader sees %s", v)
	}
	assertNoTempsAll(t, dir)
}

// TestKillWhileOverwriting kills a run with --overwrite into a finished
// dataset just after Start moved the old files to trash names, before
// their removal in the background: a reader sees no dataset, and the rerun
// removes the trash and ends with the dataset of an uninterrupted run.
func TestKillWhileOverwriting(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("kills child processes (make crash runs it)")
	}
	const timesteps = 200
	rows, kpis := reference(t, timesteps)
	dir := t.TempDir()
	if _, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if !crash(t, dir, timesteps, envStep+"=0", envOverwrite+"=1") {
		t.Fatal("not killed at the first step, the trash")
	}
	trash := func() []string {
		m, _ := filepath.Glob(filepath.Join(dir, ".part-*-trash-*.tmp"))
		return m
	}
	if len(trash()) == 0 {
		t.Fatal("no trash after a kill at Start: the overwritten files were removed before the step")
	}
	if v := visible(t, dir); v != "nothing" {
		t.Errorf("killed while overwriting: a reader sees %s", v)
	}
	resumeAndCompare(t, dir, timesteps, rows, kpis)
	if tr := trash(); len(tr) > 0 {
		t.Errorf("trash left after the rerun: %v", tr)
	}
}

// TestKillAnywhere kills a run with SIGKILL at 20 points spread over its
// length (once the journal holds k of its 12 jobs, and some time into the
// next);
// after each, a reader sees nothing or the complete dataset, and a rerun
// of the same command keeps the jobs the journal holds, runs only the
// others, and ends with the dataset of an uninterrupted run.
func TestKillAnywhere(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("kills 20 child processes (make crash runs it)")
	}
	const timesteps, jobs = 20000, 12
	rows, kpis := reference(t, timesteps)
	midway := 0 // kills that left some jobs, not all, in the journal
	defer func() {
		if midway < 10 {
			t.Errorf("only %d of 20 kills came while jobs were left to run: the test does not test resuming", midway)
		}
	}()
	for i := 0; i < 20; i++ {
		done, after := i*jobs/20, time.Duration(i%4)*time.Millisecond
		staged := i%2 == 1 // into a directory that does not exist: written in its staging directory
		t.Run(fmt.Sprintf("after %d jobs and %v, staged %v", done, after, staged), func(t *testing.T) {
			dir := t.TempDir()
			if staged {
				dir = filepath.Join(dir, "out")
			}
			if crash(t, dir, timesteps, fmt.Sprintf("%s=%d", envJobs, done), fmt.Sprintf("%s=%d", envAfter, after.Microseconds())) {
				if v := visible(t, dir); v == "partial" && (staged || !decided(dir)) {
					t.Errorf("a reader sees part of the dataset (staged %v, commit recorded %v)", staged, decided(dir))
				}
				if n := journalJobs(t, dir); n > 0 && n < jobs {
					midway++
				}
			}
			resumeAndCompare(t, dir, timesteps, rows, kpis)
		})
	}
}

// TestKillInCommit kills a run at every step of its commit (every file
// written, the fsyncs, the decision in the journal, every rename, the
// journal's removal): before the decision, a reader sees nothing; after
// it, the next run completes the commit without running a job, and the
// dataset is the uninterrupted run's.
func TestKillInCommit(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("kills child processes (make crash runs it)")
	}
	const timesteps = 200
	rows, kpis := reference(t, timesteps)
	for _, layout := range []string{"existing directory", "new directory"} {
		// a new directory is written in its staging directory and
		// appears whole, in one rename; an existing one file by file
		staged := layout == "new directory"
		outDir := func(t *testing.T) string {
			if staged {
				return filepath.Join(t.TempDir(), "out")
			}
			return t.TempDir()
		}
		t.Run(layout, func(t *testing.T) {
			var steps []string
			dataset.CommitHook = func(s string) { steps = append(steps, s) }
			_, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: outDir(t), Workers: 2})
			dataset.CommitHook = nil
			if err != nil {
				t.Fatal(err)
			}
			decision, published := -1, -1
			for k, s := range steps {
				switch s {
				case "decided":
					decision = k
				case "published":
					published = k
				}
			}
			if decision < 0 || len(steps) < 10 || staged != (published > decision) {
				t.Fatalf("commit steps %v: want a decision, at least 10 steps, and a publication after the decision when staged", steps)
			}
			for k, s := range steps {
				t.Run(fmt.Sprintf("%d %s", k, s), func(t *testing.T) {
					dir := outDir(t)
					if !crash(t, dir, timesteps, fmt.Sprintf("%s=%d", envStep, k)) {
						t.Fatalf("not killed at step %d", k)
					}
					v := visible(t, dir)
					switch {
					case staged && k < published && v != "nothing":
						t.Errorf("killed before the staged dataset was published: a reader sees %s", v)
					case staged && k >= published && v != "complete":
						t.Errorf("killed after the staged dataset was published: a reader sees %s", v)
					case k < decision && v != "nothing":
						t.Errorf("killed before the commit was decided: a reader sees %s", v)
					case k >= decision && !decided(dir) && v != "complete":
						t.Errorf("killed after the commit was decided: the journal records no commit, and a reader sees %s", v)
					}
					resumeAndCompare(t, dir, timesteps, rows, kpis)
					if _, err := os.Stat(dataset.StagingDir(dir)); err == nil {
						t.Errorf("the staging directory %s is left after the resume", dataset.StagingDir(dir))
					}
				})
			}
		})
	}
}

// TestConcurrentWriters starts a run in another process and, while it
// runs, a second run into the same directory, then the same shard twice:
// the second is refused at once, naming the first's pid, and the first's
// dataset is intact (the rows of a run alone).
func TestConcurrentWriters(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("runs child processes (make crash runs it)")
	}
	const timesteps = 20000
	rows, kpis := reference(t, timesteps)
	for _, tc := range []struct {
		name  string
		first string // the other process's shard, "" for a whole run
		fresh bool   // into a directory that does not exist: staged
		then  func(dir string) error
	}{
		{"two runs into a new directory", "", true, func(dir string) error {
			_, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: dir})
			return err
		}},
		{"two runs", "", false, func(dir string) error {
			_, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: dir, Overwrite: true})
			return err
		}},
		{"one shard twice", "1/2", false, func(dir string) error {
			_, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: dir, Shard: 1, Shards: 2})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.fresh {
				dir = filepath.Join(dir, "out")
			}
			cmd := helper(dir, timesteps, envShard+"="+tc.first)
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// the first run holds the directory once its journal exists
			journal := filepath.Join(dir, ".statecraft-journal.jsonl")
			if tc.fresh {
				journal = filepath.Join(dataset.StagingDir(dir), ".statecraft-journal.jsonl")
			}
			if tc.first != "" {
				journal = filepath.Join(dir, ".statecraft-journal-shard-0001-of-0002.jsonl")
			}
			for start := time.Now(); ; time.Sleep(time.Millisecond) {
				if _, err := os.Stat(journal); err == nil {
					break
				}
				if time.Since(start) > time.Minute {
					t.Fatal("the first run did not start")
				}
			}
			err := tc.then(dir)
			want := fmt.Sprintf("is in use by another statecraft run or merge (pid %d on host ", cmd.Process.Pid)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("second writer: err = %v, want %q", err, want)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("first run: %v\n%s", err, out.String())
			}
			if tc.first != "" {
				if _, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: dir, Shard: 0, Shards: 2}); err != nil {
					t.Fatal(err)
				}
				if _, _, err := runner.Merge(dir, nil); err != nil {
					t.Fatal(err)
				}
			}
			assertSameRows(t, rows, readSorted(t, dir))
			assertSameRows(t, kpis, kpiTable(t, dir))
			assertNoTempsAll(t, dir)
		})
	}
}

// TestDiskFull runs into a small tmpfs, of sizes from a thirteenth of the
// dataset's to more than all of it (page by page near the end), so that the disk fills at every
// stage (part files, checkpoints, the KPI table, the decisions, the
// manifest, the commit): the run fails with an error or succeeds, a
// reader sees nothing or the complete dataset, and once the disk is
// grown, a rerun of the same command completes the uninterrupted dataset.
// It needs root, to mount tmpfs.
func TestDiskFull(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("mounts tmpfs (make crash runs it)")
	}
	const timesteps = 1000
	ref := t.TempDir()
	if _, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: ref, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	rows, kpis := readSorted(t, ref), kpiTable(t, ref)
	var size int64
	filepath.WalkDir(ref, func(path string, d os.DirEntry, err error) error {
		if info, err := d.Info(); err == nil && !d.IsDir() {
			size += (info.Size() + 4095) / 4096 * 4096
		}
		return nil
	})
	mnt := t.TempDir()
	mount := func(opts string) error {
		return exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", mnt).Run()
	}
	if err := mount("size=1m"); err != nil {
		t.Skipf("cannot mount tmpfs (%v): needs root", err)
	}
	exec.Command("umount", mnt).Run()
	// coarse sizes through the run, then page by page through its end
	var limits []int64
	for i := 1; i <= 12; i++ {
		limits = append(limits, size*int64(i)/13)
	}
	for l := size - 48<<10; l <= size+16<<10; l += 4 << 10 {
		limits = append(limits, l)
	}
	failed := 0
	for _, limit := range limits {
		t.Run(fmt.Sprintf("%d KB", limit/1024), func(t *testing.T) {
			if err := mount(fmt.Sprintf("size=%d", max(limit, 16384))); err != nil {
				t.Fatal(err)
			}
			defer exec.Command("umount", mnt).Run()
			dir := filepath.Join(mnt, "out")
			_, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(crashConfig, timesteps))), runner.Options{Dir: dir, Workers: 2})
			v := visible(t, dir)
			switch {
			case err == nil && v != "complete":
				t.Errorf("the run succeeded, and a reader sees %s", v)
			case err != nil && v != "nothing":
				t.Errorf("the run failed (%v), and a reader sees %s", err, v)
			case err != nil:
				t.Logf("full: %v", err)
				failed++
				if strings.Contains(err.Error(), "panic") {
					t.Errorf("err = %v", err)
				}
			}
			if err := exec.Command("mount", "-o", "remount,size="+strconv.FormatInt(3*size, 10), mnt).Run(); err != nil {
				t.Fatal(err)
			}
			resumeAndCompare(t, dir, timesteps, rows, kpis)
		})
	}
	if failed < len(limits)/2 {
		t.Errorf("only %d of %d runs met a full disk", failed, len(limits))
	}
}
