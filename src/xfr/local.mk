# src/xfr: zone transfer out: versions as transferred, IXFR differences, AXFR/IXFR streams
src_libsteer_a_SOURCES += \
	src/xfr/xfr.h \
	src/xfr/internal.h \
	src/xfr/version.c \
	src/xfr/diff.c \
	src/xfr/stream.c \
	src/xfr/stream.h \
	src/xfr/request.c \
	src/xfr/saved.c

UNIT_TESTS += tests/unit/test_xfr
