# src/server: the steerd process (view building, reloads, workers, signals)
src_libsteer_a_SOURCES += \
	src/server/server.c \
	src/server/server.h \
	src/server/view_build.c \
	src/server/view_build.h \
	src/server/totals.c \
	src/server/totals.h
SMOKE_TESTS += tests/smoke/reload-include.sh
UNIT_TESTS += tests/unit/test_route_totals
SMOKE_TESTS += tests/smoke/reload-counters.sh
UNIT_TESTS += tests/unit/test_server
SMOKE_TESTS += tests/smoke/server-fds.sh
