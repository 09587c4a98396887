# tools/drill: failover drill behind a caching resolver
EXTRA_DIST += tools/drill/drill.py tools/drill/lab.py tools/drill/clients.py \
	tools/drill/report.py tools/drill/backend.py tools/drill/README.md \
	tests/smoke/drill-short.sh
TESTS += tests/smoke/drill-short.sh
