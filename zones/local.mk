# zones: the quick-start example zone
EXTRA_DIST += zones/example.test.zone
