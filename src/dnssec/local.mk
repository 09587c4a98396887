# src/dnssec: keys, signing, signature caches, compact denial
src_libsteer_a_SOURCES += \
	src/dnssec/key.c \
	src/dnssec/key.h \
	src/dnssec/sign.c \
	src/dnssec/sign.h \
	src/dnssec/signer.c \
	src/dnssec/signer.h \
	src/dnssec/internal.h \
	src/dnssec/cache.c

UNIT_TESTS += tests/unit/test_dnssec_sign
EXTRA_DIST += tests/data/keys tests/unit/dnssec_verify.py

# Signed answers from the real steerd, validated (dnspython, delv, unbound);
# key rollover by reload
SMOKE_TESTS += tests/smoke/dnssec-answers.sh tests/smoke/dnssec-rollover.sh
