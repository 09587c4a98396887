# src/xfr: zone transfer out: versions as transferred, IXFR differences, AXFR/IXFR streams
src_libsteer_a_SOURCES += \
	src/xfr/xfr.h src/xfr/internal.h \
	src/xfr/version.c src/xfr/diff.c \
	src/xfr/stream.c src/xfr/stream.h \
	src/xfr/request.c

check_PROGRAMS += tests/unit/test_xfr
TESTS += tests/unit/test_xfr
tests_unit_test_xfr_SOURCES = tests/unit/test_xfr.c
tests_unit_test_xfr_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_xfr_LDADD = $(STEER_LIBS) $(CMOCKA_LIBS)
