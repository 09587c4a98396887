# tools/drill: failover drill behind a caching resolver, and the anycast lab
EXTRA_DIST += tools/drill/drill.py tools/drill/lab.py tools/drill/clients.py \
	tools/drill/report.py tools/drill/backend.py tools/drill/README.md \
	tools/drill/anycast.py tools/drill/anycheck.py tools/drill/bird.py \
	tools/drill/netns.py tools/drill/fleet.py
SMOKE_TESTS += tests/smoke/drill-short.sh tests/smoke/drill-anycast.sh tests/smoke/drill-fleet.sh
