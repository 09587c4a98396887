# src/answer: the query engine (lookup, response assembly, counters)
src_libsteer_a_SOURCES += \
	src/answer/answer.c \
	src/answer/answer.h \
	src/answer/view.h \
	src/answer/stats.c \
	src/answer/stats.h \
	src/answer/ask.c \
	src/answer/ask.h \
	src/answer/sign.c \
	src/answer/sign.h \
	src/answer/edge.c \
	src/answer/internal.h \
	src/answer/lookup.c \
	src/answer/lookup.h

UNIT_TESTS += tests/unit/test_answer
tests_unit_test_answer_SOURCES = tests/unit/test_answer.c tests/unit/test_answer_fixture.h tests/unit/test_dns_msg.h \
	tests/unit/test_pkt_text.h

EXTRA_DIST += tests/data/zones/answer.test.zone

# dig smoke tests against the real steerd
SMOKE_TESTS += tests/smoke/answer-basic.sh tests/smoke/answer-cname.sh \
	tests/smoke/answer-wildcard.sh tests/smoke/answer-delegation.sh \
	tests/smoke/answer-edns.sh tests/smoke/answer-malformed.sh \
	tests/smoke/answer-example.sh tests/smoke/answer-payload.sh \
	tests/smoke/answer-vs-nsd.sh tests/smoke/answer-chain.sh \
	tests/smoke/answer-routed-nodata.sh tests/smoke/answer-identity.sh \
	tests/smoke/answer-vs-knot.sh
EXTRA_DIST += tests/smoke/answer-common.sh

UNIT_TESTS += tests/unit/test_answer_dynamic
tests_unit_test_answer_dynamic_SOURCES = tests/unit/test_answer_dynamic.c tests/unit/test_dns_msg.h \
	tests/unit/test_pkt_text.h
EXTRA_DIST += tests/data/zones/answer-dyn.yaml

UNIT_TESTS += tests/unit/test_fastpath
tests_unit_test_fastpath_SOURCES = tests/unit/test_fastpath.c tests/unit/test_dns_msg.h

UNIT_TESTS += tests/unit/test_answer_chain
tests_unit_test_answer_chain_SOURCES = tests/unit/test_answer_chain.c tests/unit/test_answer_fixture.h tests/unit/test_dns_msg.h \
	tests/unit/test_pkt_text.h
EXTRA_DIST += tests/data/zones/chain.test.zone tests/data/zones/sub.chain.test.zone \
	tests/data/zones/nods.chain.test.zone

UNIT_TESTS += tests/unit/test_answer_dnssec
tests_unit_test_answer_dnssec_SOURCES = tests/unit/test_answer_dnssec.c tests/unit/test_dns_msg.h
EXTRA_DIST += tests/data/zones/signed.example.test.zone tests/data/zones/signed.example.test.yaml \
	tests/dnssec_check.py

UNIT_TESTS += tests/unit/test_answer_limits
tests_unit_test_answer_limits_SOURCES = tests/unit/test_answer_limits.c tests/unit/test_answer_fixture.h \
	tests/unit/test_dns_msg.h
