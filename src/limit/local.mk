# src/limit: what an internet-facing server limits: response rate limiting
# and the DNS cookie secret
src_libsteer_a_SOURCES += \
	src/limit/rrl.c \
	src/limit/rrl.h \
	src/limit/secret.c \
	src/limit/secret.h

UNIT_TESTS += tests/unit/test_limit

SMOKE_TESTS += tests/smoke/limits-rrl.sh tests/smoke/limits-cookies.sh

# rrl-flood: a flood from one source beside a client at a modest pace (by hand).
noinst_PROGRAMS += tools/rrl-flood
tools_rrl_flood_SOURCES = tools/rrl-flood.c
tools_rrl_flood_LDADD = $(STEER_LIBS)
