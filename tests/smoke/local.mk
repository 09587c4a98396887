# tests/smoke: dig tests against the real binaries on loopback ports.
# Each subsystem names its scripts once, in SMOKE_TESTS of its own
# local.mk: `make check` runs them and they are distributed.
TESTS += $(SMOKE_TESTS)
EXTRA_DIST += $(SMOKE_TESTS) tests/smoke/lib.sh tests/smoke/smoke.py

# The source layout HACKING.md describes (reads the tree, starts nothing).
SMOKE_TESTS += tests/smoke/layout-includes.sh
