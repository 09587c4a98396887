# tests/unit
# Every UNIT_TESTS entry: a cmocka program (tests/unit/NAME.c) built by
# `make check` and run.
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
