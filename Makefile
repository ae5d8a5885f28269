# pkvm-pvm: protected VMs for pKVM on Linux 6.12, as a patch series.
# See README.md. Paths outside the clone come from scripts/common.sh
# (PVM_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/pkvm-pvm).

S := scripts

.PHONY: all deps base tree tree-path build kernel run check shell export \
	rebase check-series clean-build bench

all: build

deps:
	@$(S)/deps.sh

base: deps
	@$(S)/base.sh

tree: base
	@$(S)/tree.sh

# Print the working tree's path and nothing else (for scripts and hooks).
tree-path:
	@bash -c '. $(S)/common.sh; echo $$TREE'

build: tree
	@$(S)/build.sh all

kernel: tree
	@$(S)/build.sh config kernel

run: build
	@bash -c '. $(S)/common.sh; note_newer_base'
	@$(S)/qemu.sh run

check:
	@$(S)/check.sh

# The pVM fault-in/teardown benchmark; PVM_BENCH_ARGS="-m,256" to change it
# (commas for spaces).
bench: build
	@$(S)/qemu.sh bench

shell: build
	@$(S)/qemu.sh shell

export:
	@$(S)/export.sh

# Move the series onto another linux-source-6.12 (default: the newest
# Debian serves): make rebase [VERSION=6.12.118-1~deb12u1]
rebase: deps
	@$(S)/rebase.sh $(VERSION)

check-series: deps
	@$(S)/check-series.sh

clean-build:
	@bash -c '. $(S)/common.sh; rm -rf "$$OUT" "$$STAGE"'
