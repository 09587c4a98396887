# src/common: errors, logging, time, socket addresses, threads, hashing
src_libsteer_a_SOURCES += \
	src/common/errors.c \
	src/common/errors.h \
	src/common/log.c \
	src/common/log.h \
	src/common/time.c \
	src/common/time.h \
	src/common/sockaddr.c \
	src/common/sockaddr.h \
	src/common/thread.c \
	src/common/thread.h \
	src/common/buf.c \
	src/common/buf.h \
	src/common/ring.c \
	src/common/ring.h \
	src/common/cli.c \
	src/common/cli.h \
	src/common/hash.h \
	src/common/enumname.h \
	src/common/siphash.c \
	src/common/siphash.h \
	src/common/file.c \
	src/common/file.h \
	src/common/base64.c \
	src/common/base64.h \
	src/common/hex.c \
	src/common/hex.h \
	src/common/utf8.c \
	src/common/utf8.h \
	src/common/strv.c \
	src/common/strv.h \
	src/common/number.c \
	src/common/number.h

UNIT_TESTS += tests/unit/test_common_file tests/unit/test_common_cli tests/unit/test_common_hex \
	tests/unit/test_common_utf8 tests/unit/test_common_strv \
	tests/unit/test_common_number
