# src/fleet: the etcd client (v3 JSON gateway), views, quorum
src_libsteer_a_SOURCES += \
	src/fleet/etcd.c \
	src/fleet/etcd.h \
	src/fleet/etcd_internal.h \
	src/fleet/etcd_lease.c \
	src/fleet/etcd_watch.c \
	src/fleet/quorum.c \
	src/fleet/quorum.h \
	src/fleet/view.c \
	src/fleet/view.h \
	src/fleet/vantage.c \
	src/fleet/vantage.h \
	src/fleet/node.c \
	src/fleet/node.h

UNIT_TESTS += tests/unit/test_fleet

# Against a real etcd: run by tests/smoke/fleet-etcd.sh
check_PROGRAMS += tests/unit/test_fleet_etcd
SMOKE_TESTS += tests/smoke/fleet-etcd.sh tests/smoke/fleet-health.sh tests/smoke/fleet-control.sh
EXTRA_DIST += tests/smoke/etcd-lib.sh tests/smoke/etcd-cluster.sh \
	tests/smoke/fleet-lib.sh
