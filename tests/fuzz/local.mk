# tests/fuzz: fuzz targets. Built with --enable-fuzzing they link libFuzzer;
# otherwise a replay driver runs the checked-in corpus under make check.
FUZZ_QUERY_CPPFLAGS = $(AM_CPPFLAGS) -DST_FUZZ_SRCDIR='"$(abs_top_srcdir)"'
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_query
tests_fuzz_fuzz_query_CPPFLAGS = $(FUZZ_QUERY_CPPFLAGS) -DST_FUZZ_LIBFUZZER
tests_fuzz_fuzz_query_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
else
check_PROGRAMS += tests/fuzz/fuzz_query
TESTS += tests/fuzz/fuzz_query
tests_fuzz_fuzz_query_CPPFLAGS = $(FUZZ_QUERY_CPPFLAGS)
endif
tests_fuzz_fuzz_query_SOURCES = tests/fuzz/fuzz_query.c
tests_fuzz_fuzz_query_LDADD = $(STEER_LIBS)

EXTRA_DIST += tests/fuzz/README.md tests/fuzz/query.dict tests/fuzz/gen_corpus.py tests/fuzz/corpus
