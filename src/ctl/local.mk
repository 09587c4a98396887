# src/ctl: control protocol, command table, persisted control state
src_libsteer_a_SOURCES += \
	src/ctl/buf.c src/ctl/buf.h \
	src/ctl/proto.c src/ctl/proto.h \
	src/ctl/ramp.c src/ctl/ramp.h \
	src/ctl/state.c src/ctl/state.h \
	src/net/unix.c src/net/unix.h

check_PROGRAMS += tests/unit/test_ctl_proto tests/unit/test_ctl_state
TESTS += tests/unit/test_ctl_proto tests/unit/test_ctl_state
tests_unit_test_ctl_proto_SOURCES = tests/unit/test_ctl_proto.c
tests_unit_test_ctl_proto_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_ctl_proto_LDADD = $(STEER_LIBS) $(CMOCKA_LIBS)
tests_unit_test_ctl_state_SOURCES = tests/unit/test_ctl_state.c
tests_unit_test_ctl_state_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_ctl_state_LDADD = $(STEER_LIBS) $(CMOCKA_LIBS)
