# tools: quick start, test runner, benchmark, failover drill, geo build
EXTRA_DIST += tools/test.sh tools/deps.sh tools/debian-packages.txt tools/quickstart.sh \
	tools/quickstart/steerd.yaml tools/fleet-measure.sh
