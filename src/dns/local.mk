# src/dns: wire parsing and writing, names, EDNS and Client Subnet
src_libsteer_a_SOURCES += \
	src/dns/wire.h \
	src/dns/name.c \
	src/dns/name.h \
	src/dns/rrtype.c \
	src/dns/rrtype.h \
	src/dns/query.c \
	src/dns/query.h \
	src/dns/response.c \
	src/dns/response.h \
	src/dns/cookie.c \
	src/dns/cookie.h \
	src/dns/tsig.c \
	src/dns/tsig.h \
	src/dns/pack.c \
	src/dns/pack.h \
	src/dns/canon.c \
	src/dns/canon.h \
	src/dns/typemap.c \
	src/dns/typemap.h

UNIT_TESTS += tests/unit/test_dns_query
tests_unit_test_dns_query_SOURCES = tests/unit/test_dns_query.c tests/unit/test_dns_msg.h

UNIT_TESTS += tests/unit/test_dns_cookie

UNIT_TESTS += tests/unit/test_dns_tsig
tests_unit_test_dns_tsig_SOURCES = tests/unit/test_dns_tsig.c tests/unit/test_tsig_vectors.h
EXTRA_DIST += tests/data/tsig/make-vectors.py

UNIT_TESTS += tests/unit/test_dns_canon
