# tools/drill: failover drill behind a caching resolver
