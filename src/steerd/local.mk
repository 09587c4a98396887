# src/steerd: the DNS server binary
sbin_PROGRAMS += steerd
steerd_SOURCES = src/steerd/main.c
steerd_LDADD = $(STEER_LIBS)

# The server process: command line, transport, signals and reloads.
SMOKE_TESTS += \
	tests/smoke/server-check.sh \
	tests/smoke/server-transport.sh \
	tests/smoke/server-source.sh \
	tests/smoke/server-signals.sh
