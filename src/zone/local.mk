# src/zone: master files (ldns) -> immutable snapshots, zone sets
src_libsteer_a_SOURCES += \
	src/zone/zone.h \
	src/zone/internal.h \
	src/zone/parse.c \
	src/zone/scan.c \
	src/zone/build.c \
	src/zone/rules.c \
	src/zone/mem.c \
	src/zone/zone.c \
	src/zone/zoneset.c \
	src/zone/catalog.c

# A loader that prints load time and memory (used by tools/zone-load-compare.sh)
noinst_PROGRAMS += tools/zone-load
tools_zone_load_SOURCES = tools/zone-load.c
tools_zone_load_LDADD = $(STEER_LIBS)
EXTRA_DIST += tools/zone-gen.py tools/zone-load-compare.sh

UNIT_TESTS += tests/unit/test_zone
EXTRA_DIST += tests/data/zones-good tests/data/zones-bad

SMOKE_TESTS += tests/smoke/zone-check.sh tests/smoke/zone-serve.sh

UNIT_TESTS += tests/unit/test_zone_robust

UNIT_TESTS += tests/unit/test_zone_fast

SMOKE_TESTS += tests/smoke/zone-load-selftest.sh
