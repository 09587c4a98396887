# tools/difftest: differential test of steerd against NSD and Knot DNS
EXTRA_DIST += tools/difftest/difftest.py tools/difftest/README.md \
	tests/data/difftest/diff.test.zone tests/data/difftest/child.diff.test.zone \
	tests/data/difftest/wild.test.zone
SMOKE_TESTS += tests/smoke/diff-nsd.sh
