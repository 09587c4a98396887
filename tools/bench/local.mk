# tools/bench: dnsperf benchmark against knotd, nsd, gdnsd
