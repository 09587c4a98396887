# src/primary: the zone transfer service attached to the server (TCP transfer streams, NOTIFY)
src_libsteer_a_SOURCES += \
	src/primary/primary.c \
	src/primary/primary.h \
	src/primary/notify.c \
	src/primary/notify.h

# Transfers to dig and dnspython, routed names and serials, Knot and NSD as secondaries.
SMOKE_TESTS += tests/smoke/xfr-serve.sh tests/smoke/xfr-routed.sh tests/smoke/xfr-knot.sh \
	tests/smoke/xfr-notify-source.sh tests/smoke/xfr-catalog.sh \
	tests/smoke/xfr-nsd.sh tests/smoke/xfr-bench-selftest.sh
EXTRA_DIST += tests/smoke/xfr-common.sh tools/xfr-bench.sh
