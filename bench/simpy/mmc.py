#!/usr/bin/python3
"""SimPy 3 peer of bench/floor/mmc.c: M/M/c with servers at rate 1.0 each,
by default c=10 and arrivals at rate 9.0 (utilisation 0.9); bench/run runs
M/M/1 as `mmc.py N SEED 1 0.9`.

Usage: /usr/bin/python3 mmc.py [customers=10000000] [seed=1] [servers=10]
                              [arrival_rate=9.0]

Written the way the SimPy documentation models queues (a Resource, a source
process and one process per customer) rather than hand-optimised, because the
comparison is with SimPy as people use it. Only env.run() is timed. The
default matches the C floor; at SimPy's speed it takes about a minute, so
pass a smaller count for quick checks.
"""
import random
import sys
import time

import simpy

SERVICE_RATE = 1.0


class Stats:
    def __init__(self, customers, env):
        self.target = customers
        self.departed = 0
        self.total_system_time = 0.0
        # Triggered by the N-th departure so env.run() stops exactly there.
        self.done = env.event()


def customer(env, servers, stats):
    arrived = env.now
    with servers.request() as req:
        yield req
        yield env.timeout(random.expovariate(SERVICE_RATE))
    stats.departed += 1
    stats.total_system_time += env.now - arrived
    if stats.departed == stats.target:
        stats.done.succeed()


def source(env, servers, stats, arrival_rate):
    while True:
        env.process(customer(env, servers, stats))
        yield env.timeout(random.expovariate(arrival_rate))


def erlang_c(servers, offered_load):
    """Erlang C via the Erlang B recurrence, which avoids a**c and c!."""
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    rho = offered_load / servers
    return b / (1.0 - rho * (1.0 - b))


def theory_system_time(servers, arrival_rate):
    """W = Wq + 1/mu, with Wq = C / (c mu - lambda)."""
    c = erlang_c(servers, arrival_rate / SERVICE_RATE)
    wq = c / (servers * SERVICE_RATE - arrival_rate)
    return wq + 1.0 / SERVICE_RATE


def parse_arg(argv, index, default, minimum, name):
    if len(argv) <= index:
        return default
    try:
        value = int(argv[index])
    except ValueError:
        value = minimum - 1
    if value < minimum:
        sys.exit(f"mmc.py: {name} must be an integer >= {minimum}, "
                 f"got '{argv[index]}'")
    return value


def main(argv):
    customers = parse_arg(argv, 1, 10000000, 1, "customers")
    seed = parse_arg(argv, 2, 1, 0, "seed")
    n_servers = parse_arg(argv, 3, 10, 1, "servers")
    arrival_rate = float(argv[4]) if len(argv) > 4 else 9.0
    if not 0 < arrival_rate < n_servers * SERVICE_RATE:
        sys.exit(f"mmc.py: arrival_rate must be in (0, {n_servers * SERVICE_RATE}) for a stable queue")
    random.seed(seed)

    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=n_servers)
    stats = Stats(customers, env)
    env.process(source(env, servers, stats, arrival_rate))

    t0 = time.perf_counter()
    env.run(until=stats.done)
    seconds = time.perf_counter() - t0

    model = "mm1" if n_servers == 1 else "mmc"
    print(f"tool=simpy model={model} customers={customers} seconds={seconds:.6f} "
          f"ns_per_customer={1e9 * seconds / customers:.2f} "
          f"mean_system_time={stats.total_system_time / stats.departed:.4f} "
          f"theory={theory_system_time(n_servers, arrival_rate):.4f}")


if __name__ == "__main__":
    main(sys.argv)
