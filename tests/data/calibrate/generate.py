#!/usr/bin/env python3
"""Writes api.log: synthetic CloudWatch lines of one function, in the layout of `aws logs tail
--format detailed` (timestamp, log stream, message), from a known model, so that `lambdasim
calibrate` can be checked against the truth. Deterministic (Python's random with a fixed seed).

The model: Duration lognormal with median 120 ms and sigma 0.3 at 1,024 MB; other sizes by
lambdasim's own rule (sim/lambda/cpu_share.hpp) with cpu_bound 0.8, single-threaded; Poisson
arrivals at 2 per second; 3 % of invocations cold, Init Duration lognormal (median 180 ms,
sigma 0.2). Usage: python3 generate.py > api.log
"""
import math
import random
import time

MEMORY = [(128, 100), (512, 100), (1024, 200), (2048, 100)]  # (Memory Size, invocations)
REF_MB, MEDIAN_MS, SIGMA, CPU_BOUND, RATE = 1024, 120.0, 0.3, 0.8, 2.0


def speed(mb):
    return min(mb / 1769.0, 6.0, 1.0)


def scale(mb):
    return (1 - CPU_BOUND) + CPU_BOUND * speed(REF_MB) / speed(mb)


def ts(seconds):
    """`aws logs tail` timestamps: ISO-8601 with microseconds and an explicit UTC offset."""
    us = int(round(seconds * 1e6))
    return "%s.%06d+00:00" % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(us // 10**6)),
                              us % 10**6)


def main():
    rng = random.Random(20261206)
    sizes = [mb for mb, n in MEMORY for _ in range(n)]
    rng.shuffle(sizes)
    t = 1709294400.0  # 2024-03-01T12:00:00Z
    for i, mb in enumerate(sizes):
        t += rng.expovariate(RATE)
        duration = MEDIAN_MS * math.exp(SIGMA * rng.gauss(0, 1)) * scale(mb)
        init = 180.0 * math.exp(0.2 * rng.gauss(0, 1)) if rng.random() < 0.03 else None
        rid = "%08x-0000-4000-8000-%012x" % (i, rng.getrandbits(48))
        stream = "2024/03/01/[$LATEST]%032x" % (mb * 7919)
        print("%s %s START RequestId: %s Version: $LATEST" % (ts(t), stream, rid))
        print("%s %s handled one request" % (ts(t + duration / 2e3), stream))
        end = t + duration / 1e3
        print("%s %s END RequestId: %s" % (ts(end), stream, rid))
        billed = math.ceil(round(duration, 2) + (round(init, 2) if init else 0))
        line = ("%s %s REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\t"
                "Memory Size: %d MB\tMax Memory Used: %d MB" %
                (ts(end), stream, rid, duration, billed, mb, 60 + rng.randrange(10)))
        if init:
            line += "\tInit Duration: %.2f ms" % init
        print(line + "\t")


main()
