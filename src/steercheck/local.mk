# src/steercheck: the health checker binary
sbin_PROGRAMS += steercheck
steercheck_SOURCES = src/steercheck/main.c
steercheck_LDADD = $(STEER_LIBS)
