# tests/smoke: dig tests against the real binaries on loopback ports.
# Each subsystem adds its scripts to TESTS from its own local.mk.
EXTRA_DIST += tests/smoke/lib.sh tests/smoke/smoke.py

# The source layout HACKING.md describes (reads the tree, starts nothing).
TESTS += tests/smoke/layout-includes.sh
EXTRA_DIST += tests/smoke/layout-includes.sh
