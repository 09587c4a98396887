# src/check: probes, scheduling, hysteresis (steercheck)
