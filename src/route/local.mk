# src/route: policies, dials, geo database, latency model
src_libsteer_a_SOURCES += \
	src/route/route.c \
	src/route/route.h \
	src/route/compiled.h \
	src/route/policy.c \
	src/route/policy.h \
	src/route/resolve.h \
	src/route/trace.c \
	src/route/geo.c \
	src/route/geo.h \
	src/route/latency.c \
	src/route/latency.h \
	src/route/cidr.c \
	src/route/cidr.h \
	src/route/dial.c \
	src/route/explain.c \
	src/route/sticky.c \
	src/route/sticky.h \
	src/route/order.c

UNIT_TESTS += tests/unit/test_route
tests_unit_test_route_SOURCES = tests/unit/test_route.c tests/unit/test_route_fixture.h

# Needs the test databases that geo/local.mk builds (it skips without them).
UNIT_TESTS += tests/unit/test_route_geo
tests_unit_test_route_geo_SOURCES = tests/unit/test_route_geo.c tests/unit/test_route_fixture.h
tests_unit_test_route_geo_CPPFLAGS = $(AM_CPPFLAGS) \
	-DROUTE_TEST_DB_DIR='"$(abs_top_builddir)/tests/data/geo"'
EXTRA_tests_unit_test_route_geo_DEPENDENCIES = tests/data/geo/test-city.mmdb \
	tests/data/geo/test-city4.mmdb tests/data/geo/test-country.mmdb

UNIT_TESTS += tests/unit/test_route_nest
tests_unit_test_route_nest_SOURCES = tests/unit/test_route_nest.c tests/unit/test_route_fixture.h
tests_unit_test_route_nest_CPPFLAGS = $(AM_CPPFLAGS) \
	-DROUTE_TEST_DB_DIR='"$(abs_top_builddir)/tests/data/geo"'
EXTRA_tests_unit_test_route_nest_DEPENDENCIES = tests/data/geo/test-city.mmdb

# dig smoke tests: every policy with EDNS client subnets, health changes
# through steercheck and steerctl, dials.
SMOKE_TESTS += tests/smoke/route-policies.sh
EXTRA_DIST += tests/smoke/route-common.sh
tests/smoke/route-policies.log: tests/data/geo/test-city.mmdb
SMOKE_TESTS += tests/smoke/route-health.sh
tests/smoke/route-health.log: tests/data/geo/test-city.mmdb

# route-bench: nanoseconds per routing decision, per record and client (by hand).
noinst_PROGRAMS += tools/route-bench
tools_route_bench_SOURCES = tools/route-bench.c
tools_route_bench_LDADD = $(STEER_LIBS)

SMOKE_TESTS += tests/smoke/route-nest.sh
tests/smoke/route-nest.log: tests/data/geo/test-city.mmdb

SMOKE_TESTS += tests/smoke/route-geodb.sh
