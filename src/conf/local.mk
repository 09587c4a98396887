# src/conf: YAML config through a schema table
src_libsteer_a_SOURCES += \
	src/conf/conf.c src/conf/conf.h \
	src/conf/ynode.c src/conf/ynode.h \
	src/conf/schema.c src/conf/schema.h \
	src/conf/load.c src/conf/load.h \
	src/conf/region.c src/conf/record.c

EXTRA_DIST += doc/steerd.yaml.example tests/data/conf/full.yaml

check_PROGRAMS += tests/unit/test_conf
TESTS += tests/unit/test_conf
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_conf_LDADD = $(STEER_LIBS) $(CMOCKA_LIBS)
