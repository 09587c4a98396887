# tools/bench: dnsperf benchmark against knotd, nsd, gdnsd (run by hand:
# timings never decide a test). The self-test only proves the harness runs.
EXTRA_DIST += tools/bench/run.sh tools/bench/gen.py tools/bench/report.py \
	tools/bench/README.md
SMOKE_TESTS += tests/smoke/bench-selftest.sh tests/smoke/bench-fleet-selftest.sh

# The userspace cost of answering, in-process (see the top of the file)
noinst_PROGRAMS += tools/bench/answer-bench
tools_bench_answer_bench_SOURCES = tools/bench/answer-bench.c
tools_bench_answer_bench_LDADD = $(STEER_LIBS)

# The cost of online signing: signatures per second, a zone's signing
noinst_PROGRAMS += tools/bench/sign-bench
tools_bench_sign_bench_SOURCES = tools/bench/sign-bench.c
tools_bench_sign_bench_LDADD = $(STEER_LIBS)
