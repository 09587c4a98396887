# src/steercheck: the health checker binary
sbin_PROGRAMS += steercheck
steercheck_SOURCES = src/steercheck/main.c
steercheck_LDADD = $(STEER_LIBS)

TESTS += tests/smoke/health-probes.sh
EXTRA_DIST += tests/smoke/health-probes.sh tests/data/health/backend.py
