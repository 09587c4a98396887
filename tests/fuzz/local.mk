# tests/fuzz: fuzz targets, each a source file over the shared fixture.
# Built with --enable-fuzzing they link libFuzzer; otherwise the replay
# driver runs each target's checked-in corpus under make check.
FUZZ_CPP = $(AM_CPPFLAGS)
FUZZ_COMMON = tests/fuzz/fuzz.h tests/fuzz/fixture.c
if FUZZING
FUZZ_CPP += -DST_FUZZ_LIBFUZZER
FUZZ_LINK = $(AM_LDFLAGS) -fsanitize=fuzzer
FUZZ_DRIVER =
noinst_PROGRAMS += tests/fuzz/fuzz_query tests/fuzz/fuzz_zone tests/fuzz/fuzz_tcp \
	tests/fuzz/fuzz_ctl tests/fuzz/fuzz_healthtab tests/fuzz/fuzz_xfr tests/fuzz/fuzz_files \
	tests/fuzz/fuzz_etcd
else
FUZZ_LINK = $(AM_LDFLAGS)
FUZZ_DRIVER = tests/fuzz/replay.c
FUZZ_TESTS = tests/fuzz/fuzz_query tests/fuzz/fuzz_zone tests/fuzz/fuzz_tcp \
	tests/fuzz/fuzz_ctl tests/fuzz/fuzz_healthtab tests/fuzz/fuzz_xfr tests/fuzz/fuzz_files \
	tests/fuzz/fuzz_etcd
check_PROGRAMS += $(FUZZ_TESTS)
TESTS += $(FUZZ_TESTS)
endif

tests_fuzz_fuzz_query_SOURCES = tests/fuzz/fuzz_query.c $(FUZZ_COMMON) $(FUZZ_DRIVER)
tests_fuzz_fuzz_query_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_query_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_query_LDADD = $(STEER_LIBS)

tests_fuzz_fuzz_zone_SOURCES = tests/fuzz/fuzz_zone.c $(FUZZ_COMMON) $(FUZZ_DRIVER)
tests_fuzz_fuzz_zone_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_zone_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_zone_LDADD = $(STEER_LIBS)

tests_fuzz_fuzz_tcp_SOURCES = tests/fuzz/fuzz_tcp.c $(FUZZ_COMMON) $(FUZZ_DRIVER)
tests_fuzz_fuzz_tcp_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_tcp_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_tcp_LDADD = $(STEER_LIBS)

tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz_ctl.c $(FUZZ_COMMON) $(FUZZ_DRIVER)
tests_fuzz_fuzz_ctl_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_ctl_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_ctl_LDADD = $(STEER_LIBS)

tests_fuzz_fuzz_healthtab_SOURCES = tests/fuzz/fuzz_healthtab.c $(FUZZ_COMMON) $(FUZZ_DRIVER)
tests_fuzz_fuzz_healthtab_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_healthtab_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_healthtab_LDADD = $(STEER_LIBS)

tests_fuzz_fuzz_xfr_SOURCES = tests/fuzz/fuzz_xfr.c $(FUZZ_COMMON) $(FUZZ_DRIVER)
tests_fuzz_fuzz_xfr_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_xfr_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_xfr_LDADD = $(STEER_LIBS)

tests_fuzz_fuzz_files_SOURCES = tests/fuzz/fuzz_files.c $(FUZZ_COMMON) $(FUZZ_DRIVER)
tests_fuzz_fuzz_files_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_files_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_files_LDADD = $(STEER_LIBS)

tests_fuzz_fuzz_etcd_SOURCES = tests/fuzz/fuzz_etcd.c $(FUZZ_COMMON) $(FUZZ_DRIVER)
tests_fuzz_fuzz_etcd_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_etcd_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_etcd_LDADD = $(STEER_LIBS)

EXTRA_DIST += tests/fuzz/README.md tests/fuzz/gen_corpus.py tests/fuzz/corpus \
	tests/fuzz/query.dict tests/fuzz/zone.dict tests/fuzz/ctl.dict
