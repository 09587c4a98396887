# src/server: the steerd process (view building, reloads, workers, signals)
src_libsteer_a_SOURCES += \
	src/server/server.c src/server/server.h \
	src/server/build.c src/server/build.h
TESTS += tests/smoke/reload-include.sh
EXTRA_DIST += tests/smoke/reload-include.sh
