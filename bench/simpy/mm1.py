#!/usr/bin/python3
"""SimPy 3 peer of bench/floor/mm1.c: M/M/1, arrival rate 0.9, service 1.0.

Usage: /usr/bin/python3 mm1.py [customers=1000000] [seed=1]

Written the way the SimPy documentation models queues (a Resource, a source
process and one process per customer) rather than hand-optimised, because the
comparison is with SimPy as people use it. Only env.run() is timed.
"""
import random
import sys
import time

import simpy

ARRIVAL_RATE = 0.9
SERVICE_RATE = 1.0


class Stats:
    def __init__(self, customers, env):
        self.target = customers
        self.departed = 0
        self.total_system_time = 0.0
        # Triggered by the N-th departure so env.run() stops exactly there.
        self.done = env.event()


def customer(env, server, stats):
    arrived = env.now
    with server.request() as req:
        yield req
        yield env.timeout(random.expovariate(SERVICE_RATE))
    stats.departed += 1
    stats.total_system_time += env.now - arrived
    if stats.departed == stats.target:
        stats.done.succeed()


def source(env, server, stats):
    while True:
        env.process(customer(env, server, stats))
        yield env.timeout(random.expovariate(ARRIVAL_RATE))


def parse_arg(argv, index, default, minimum, name):
    if len(argv) <= index:
        return default
    try:
        value = int(argv[index])
    except ValueError:
        value = minimum - 1
    if value < minimum:
        sys.exit(f"mm1.py: {name} must be an integer >= {minimum}, "
                 f"got '{argv[index]}'")
    return value


def main(argv):
    customers = parse_arg(argv, 1, 1000000, 1, "customers")
    seed = parse_arg(argv, 2, 1, 0, "seed")
    random.seed(seed)

    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    stats = Stats(customers, env)
    env.process(source(env, server, stats))

    t0 = time.perf_counter()
    env.run(until=stats.done)
    seconds = time.perf_counter() - t0

    theory = 1.0 / (SERVICE_RATE - ARRIVAL_RATE)
    print(f"tool=simpy model=mm1 customers={customers} seconds={seconds:.6f} "
          f"ns_per_customer={1e9 * seconds / customers:.2f} "
          f"mean_system_time={stats.total_system_time / stats.departed:.4f} "
          f"theory={theory:.4f}")


if __name__ == "__main__":
    main(sys.argv)
