# tests/smoke: dig tests against the real binaries on loopback ports.
# Each subsystem adds its scripts to TESTS from its own local.mk.
EXTRA_DIST += tests/smoke/lib.sh
