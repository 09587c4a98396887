# src/ctl: control protocol, command table, persisted control state
src_libsteer_a_SOURCES += \
	src/ctl/proto.c \
	src/ctl/proto.h \
	src/ctl/ramp.c \
	src/ctl/ramp.h \
	src/ctl/state.c \
	src/ctl/state.h \
	src/ctl/ctl.c \
	src/ctl/ctl.h \
	src/ctl/cmd.h \
	src/ctl/names.c \
	src/ctl/names.h \
	src/ctl/cmd_status.c \
	src/ctl/cmd_reload.c \
	src/ctl/cmd_stats.c \
	src/ctl/cmd_health.c \
	src/ctl/cmd_drain.c \
	src/ctl/cmd_undrain.c \
	src/ctl/cmd_force.c \
	src/ctl/cmd_dial.c \
	src/ctl/cmd_explain.c \
	src/ctl/cmd_checkconf.c \
	src/ctl/cmd_ds.c \
	src/ctl/cmd_cookie_rotate.c \
	src/ctl/cmd_zone_status.c \
	src/ctl/shared.c \
	src/ctl/shared.h \
	src/ctl/ctl_fleet.c \
	src/ctl/cmd_fleet.c

UNIT_TESTS += tests/unit/test_ctl_proto tests/unit/test_ctl_state tests/unit/test_ctl_metrics


# Smoke tests against the real steerd and steerctl.
SMOKE_TESTS += tests/smoke/ctl-basic.sh tests/smoke/ctl-reload.sh tests/smoke/ctl-persist.sh \
	tests/smoke/metrics-scrape.sh tests/smoke/reload-under-load.sh tests/smoke/ctl-docs.sh \
	tests/smoke/ctl-health.sh tests/smoke/ctl-reload-files.sh
EXTRA_DIST += tests/smoke/ctl-common.sh
