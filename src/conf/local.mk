# src/conf: YAML config through a schema table
src_libsteer_a_SOURCES += \
	src/conf/conf.c \
	src/conf/conf.h \
	src/conf/ynode.c \
	src/conf/ynode.h \
	src/conf/schema.c \
	src/conf/schema.h \
	src/conf/load.c \
	src/conf/load.h \
	src/conf/nameset.c \
	src/conf/nameset.h \
	src/conf/region.c \
	src/conf/record.c \
	src/conf/nest.c \
	src/conf/mapkey.c \
	src/conf/mapkey.h \
	src/conf/geocode.c \
	src/conf/geocode.h \
	src/conf/iso3166.c \
	src/conf/fleet.c \
	src/conf/digest.c \
	src/conf/zone.c \
	src/conf/dnssec.c

# The config file's man page and a commented example covering every key.
dist_man_MANS += doc/steerd.yaml.5
confexampledir = $(docdir)
dist_confexample_DATA = doc/steerd.yaml.example
EXTRA_DIST += tests/data/conf/full.yaml tests/data/conf/design.yaml

UNIT_TESTS += tests/unit/test_conf tests/unit/test_conf_errors
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c tests/unit/test_conf.h
tests_unit_test_conf_errors_SOURCES = tests/unit/test_conf_errors.c tests/unit/test_conf.h

# steerd --check over the example config.
SMOKE_TESTS += tests/smoke/conf-example.sh

# Fuzz target for the loader: libFuzzer with --enable-fuzzing, else a replay.
if FUZZING
noinst_PROGRAMS += tests/unit/test_conf_fuzz
tests_unit_test_conf_fuzz_CPPFLAGS = $(AM_CPPFLAGS) -DST_FUZZ_LIBFUZZER
tests_unit_test_conf_fuzz_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
else
UNIT_TESTS += tests/unit/test_conf_fuzz
tests_unit_test_conf_fuzz_CPPFLAGS = $(AM_CPPFLAGS)
endif
tests_unit_test_conf_fuzz_LDADD = $(STEER_LIBS)
EXTRA_DIST += tests/data/conf/conf.dict
