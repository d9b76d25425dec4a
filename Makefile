# Statecraft — build, run, test.
GO        ?= go
BIN       := bin/statecraft
# The version make build stamps into the binary: git describe, when this is a git checkout.
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null)
LDFLAGS   := $(if $(VERSION),-ldflags "-X github.com/statecraft/statecraft/internal/version.Version=$(VERSION)")
INTEROP   := out/interop
PKGS      := ./...

.PHONY: all help build run test test-slurm vet unit crash interop browser bench fuzz lint clean

all: build

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/statecraft
	$(GO) build $(LDFLAGS) -o $(BIN) ./cmd/statecraft

run: build ## run the embedded predator-prey experiment into ./out/predator_prey
	$(BIN) run predator_prey --out out/predator_prey --overwrite
	@echo "dataset: out/predator_prey (open it with DuckDB: SELECT * FROM 'out/predator_prey/*.parquet')"

test: vet unit crash interop browser ## vet, race-enabled unit tests, the DuckDB/Polars interop check, the reports in Chromium

vet: ## formatting and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

unit: ## race-enabled unit tests of every package
	$(GO) test -race -count=1 $(PKGS)

# The crash tests kill runs with SIGKILL at 20 points and at every step of
# the commit, fill a small tmpfs at every stage (as root), and start two
# writers into one directory and one shard; each interrupted run is rerun
# and must end with the dataset of an uninterrupted run. They run child
# processes, which the race detector adds nothing to: without it.
crash: ## kill, disk-full and concurrent-writer tests of the write path and resume
	$(GO) test -count=1 -run 'TestKill|TestDiskFull|TestConcurrentWriters|TestCancel' ./runner/

# The interop check writes datasets with the CLI (every column type, A/B,
# sweeps, lists, agents as a table and as a list<struct> column, graphs as
# node and edge tables) and reads
# them with DuckDB and Polars from npm. Then notebook.mjs runs the DuckDB
# queries of examples/analysis.ipynb on prsm_agents (PRSM with every
# variable written: its agent table and more) and checks the paths the
# notebook reads.
interop: build ## write datasets with the CLI, read them with DuckDB and Polars, check the notebook's queries (needs Node.js and npm)
	cd tests/interop && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; }
	rm -rf $(INTEROP) && mkdir -p $(INTEROP)
	$(GO) run ./tests/interop/allkinds run tests/interop/allkinds.toml --quiet --out $(INTEROP)/all_kinds
	$(GO) run ./tests/interop/allkinds run tests/interop/allkinds.toml --quiet --set output.agents=list --out $(INTEROP)/all_kinds_list
	$(BIN) run predator_prey --quiet --set timesteps=200 --out $(INTEROP)/predator_prey
	$(BIN) run prsm --quiet --set runs=2 --set timesteps=96 --out $(INTEROP)/prsm_kpis
	$(BIN) run prsm --quiet --set runs=4 --set timesteps=96 --set 'output.variables=["*"]' --out $(INTEROP)/prsm_agents
	$(BIN) run p2p --quiet --set runs=2 --set 'output.variables=["*"]' --out $(INTEROP)/p2p
	$(BIN) run p2p --quiet --set runs=1 --set params.n_nodes=200 --set timesteps=300 --out $(INTEROP)/p2p_200
	$(BIN) run status_storage --quiet --set runs=2 --set timesteps=100 --set 'output.variables=["*"]' --out $(INTEROP)/status_storage
	$(BIN) run wsloop --quiet --set timesteps=400 --out $(INTEROP)/wsloop
	$(BIN) run datadao --quiet --set timesteps=400 --set report.html=false --out $(INTEROP)/datadao_go
	$(BIN) run datadao_declarative --quiet --set timesteps=400 --set report.html=false --out $(INTEROP)/datadao_modelfile
	node tests/interop/samerows.mjs $(INTEROP)/datadao_go $(INTEROP)/datadao_modelfile
	for c in pp_det amm_det robot_marbles policy_max lag vector ab_pp; do \
		$(BIN) run conformance/$$c --quiet --out $(INTEROP)/$$c || exit 1; done
	node tests/interop/check.mjs $(INTEROP)/*
	node tests/interop/notebook.mjs examples/analysis.ipynb $(INTEROP)/prsm_agents

# The browser check runs shipped configs (each run writes _report.html)
# and opens every report in headless Chromium: no console error, no
# request leaving the file, every chart drawn; screenshots in out/browser/shots.
BROWSER   := out/browser
browser: build ## open the reports of shipped configs in headless Chromium (needs Node.js, npm and chromium)
	cd tests/interop && { [ -d node_modules/puppeteer-core ] || npm ci --no-audit --no-fund --loglevel=error; }
	rm -rf $(BROWSER) && mkdir -p $(BROWSER)
	for c in datadao prsm predator_prey prsm_psuu predator_prey_sensitivity predator_prey_optimize p2p gossip status_storage wsloop; do \
		$(BIN) run $$c --quiet --out $(BROWSER)/$$c || exit 1; done
	$(BIN) run conformance/ab_pp --quiet --set output.format=csv --out $(BROWSER)/ab_pp_csv
	$(BIN) run conformance/vector --quiet --set output.format=arrow --out $(BROWSER)/vector_arrow
	$(BIN) run bench/abm --quiet --set timesteps=300 --set runs=3 --out $(BROWSER)/abm
	node tests/interop/report.mjs $(BROWSER)/shots $(BROWSER)/*/

# The Slurm check (tests/slurm/run.sh) installs Slurm from Debian packages
# when sbatch is missing, brings up a one-node cluster without systemd,
# runs a sweep as a 100-task job array plus a dependent merge, then again
# with one task failing (FAULT=exit or kill) and requeued alone, and
# compares both datasets with a single-machine run. It needs root, so
# make test leaves it out; .ci/run runs it after make test.
test-slurm: build ## a sweep as a 100-task Slurm job array and a merge, then a failed task requeued alone (needs root, Node.js)
	tests/slurm/run.sh

# prsm at 10,000 agents (issue 18): the embedded experiment with its
# aggregate columns, the agent table left out (the embedded config writes
# it once a day: 12 M rows, 931 MB; every hour it would be 288 M rows,
# 21 GB) and with it the report's agent charts.
PRSM_10K  := --set params.n_agents=10000 --set report.html=false \
	--set 'report.histograms=[]' --set 'report.lorenz=[]' --set 'report.scatter=[]' \
	--set 'output.variables=["day","regime","price","supply","pool","exchange","minted","burned","demurrage","volume","submissions","accepted","rejected","halted","limited","crash_triggers","spike_triggers","target_rate","actual_rate","volatility","damping","adjustment","daily_participation","gini","avg_quality","price_cv","participation","gini_ok","quality_ok","price_ok","participation_ok"]'

bench: ## Go benchmarks (ns per substep, allocations), then the peer benchmarks end to end
	$(GO) test -run XXX -bench . -benchmem $(PKGS)
	$(GO) build -o $(BIN) ./cmd/statecraft
	$(GO) run ./tests/bench -bin $(BIN) -reps 5 -md out/bench/results.md
	$(BIN) run configs/bench/pp_grid.toml --quiet --overwrite --workers 2 --set report.html=false --out out/bench/pp_grid
	cd tests/interop && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; }
	@echo "DuckDB scans of the pp_grid sweep (before, 2fefe9b: 622 files of 0.3 MB, row groups of 5,495 rows; full scan 0.094 s, filtered 0.054 s):"
	node tests/interop/scan.mjs out/bench/pp_grid
	$(BIN) run configs/bench/pp.toml --quiet --overwrite --set report.html=false --out out/bench/pp_report
	/usr/bin/time -f "report of configs/bench/pp.toml (4,000,040 rows): %e s, %M KB peak (target: 2 s)" $(BIN) report out/bench/pp_report --quiet
	/usr/bin/time -f "status_storage, 1,000 nodes x 300 blocks x 10 runs (configs/bench/status_storage.toml): %e s, %M KB peak" $(BIN) run configs/bench/status_storage.toml --quiet --overwrite --set report.html=false --out out/bench/status_storage
	/usr/bin/time -f "datadao (Go), 4 runs x 2000 steps (configs/datadao.toml): %e s, %M KB peak" $(BIN) run datadao --quiet --overwrite --set report.html=false --out out/bench/datadao
	/usr/bin/time -f "datadao (model file), 4 runs x 2000 steps (configs/datadao_declarative.toml): %e s, %M KB peak (target: 1.5x the Go model)" $(BIN) run datadao_declarative --quiet --overwrite --set report.html=false --out out/bench/datadao_declarative
	/usr/bin/time -f "wsloop, 8 runs x 3,650 days (configs/wsloop.toml): %e s, %M KB peak (target: well under 1 s)" $(BIN) run wsloop --quiet --overwrite --set report.html=false --out out/bench/wsloop
	/usr/bin/time -f "p2p, 1,000 nodes x 1,000 ticks x 10 runs (configs/bench/p2p.toml): %e s, %M KB peak (target: 10 s, 500 MB)" $(BIN) run configs/bench/p2p.toml --quiet --overwrite --set report.html=false --out out/bench/p2p
	/usr/bin/time -f "prsm, 10,000 agents x 720 hours x 40 jobs, agent table not written (statecraft run prsm with the Makefile's PRSM_10K): %e s, %M KB peak (target: 5 s, memory as before: 72 MB)" $(BIN) run prsm --quiet --overwrite --workers 2 $(PRSM_10K) --out out/bench/prsm10k
	/usr/bin/time -f "prsm, 10,000 agents, the embedded config as shipped (agent table once a day: 12 M rows; the HTML report): %e s, %M KB peak" $(BIN) run prsm --quiet --overwrite --workers 2 --set params.n_agents=10000 --out out/bench/prsm10k_report
	/usr/bin/time -f "pp with 10 KPIs, a million jobs of 10 timesteps, final rows only (decisions, no HTML report): %e s, %M KB peak (before the sixth pass: 4.4 s, 853 MB)" $(BIN) run configs/bench/pp_kpis.toml --quiet --overwrite --workers 2 --set timesteps=10 --set runs=250000 --set output.final_only=true --set report.html=false --out out/bench/pp_kpis_1m

# The fuzz targets of the three loaders: the experiment config, the model
# file and the expression compiler. Each runs FUZZTIME: by default a
# million executions (about 3 to 10 minutes each on two cores), or a
# duration (make fuzz FUZZTIME=2m). A crasher is written to the package's
# testdata/fuzz/<target>/, where go test replays it as a regression test.
FUZZTIME  ?= 1000000x
fuzz: ## fuzz the config loader, the model-file loader and the expression compiler (FUZZTIME each; seeds in each package's testdata/fuzz), then the Parquet reader, the run journal and the decision layer's readers
	$(GO) test -run XXX -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./configs
	$(GO) test -run XXX -fuzz '^FuzzParseModel$$' -fuzztime $(FUZZTIME) ./modelfile
	$(GO) test -run XXX -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME) ./gds/expr
	$(GO) test -run XXX -fuzz '^FuzzDim$$' -fuzztime 10s ./decide/sample
	$(GO) test -run XXX -fuzz '^FuzzScan$$' -fuzztime 30s ./internal/pqread
	$(GO) test -run XXX -fuzz '^FuzzScanDeltaPages$$' -fuzztime 30s ./internal/pqread
	$(GO) test -run XXX -fuzz '^FuzzDecodeDelta$$' -fuzztime 20s ./internal/pqread
	$(GO) test -run XXX -fuzz '^FuzzReadJournal$$' -fuzztime 20s ./runner/dataset
	$(GO) test -run XXX -fuzz '^FuzzCheckpointLine$$' -fuzztime 20s ./runner/dataset
	$(GO) test -run XXX -fuzz '^FuzzStatsJSON$$' -fuzztime 20s ./decide
	$(GO) test -run XXX -fuzz '^FuzzSort$$' -fuzztime 20s ./internal/floatsort

lint: vet ## formatting, vet and staticcheck
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

clean: ## remove bin/ and out/
	rm -rf bin out
