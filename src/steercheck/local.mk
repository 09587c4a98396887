# src/steercheck: the health checker binary
sbin_PROGRAMS += steercheck
steercheck_SOURCES = src/steercheck/main.c
steercheck_LDADD = $(STEER_LIBS)

SMOKE_TESTS += tests/smoke/health-probes.sh tests/smoke/health-e2e.sh tests/smoke/health-calculated.sh
EXTRA_DIST += tests/data/health/backend.py tests/data/health/propagation.py \
	tests/data/health/listeners.c tools/bench-checker.sh
