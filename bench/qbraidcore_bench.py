"""Requests per second of the real qbraid-core session against the local API (v1).

python bench/qbraidcore_bench.py BASE_URL COUNT CONCURRENCY
prints {"rps": ...}. Every answer is checked; an error fails the run.
"""

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from qbraid_core.sessions import QbraidSessionV1


def main(base_url: str, count: int, concurrency: int) -> None:
    session = QbraidSessionV1(api_key="demo-api-key", base_url=base_url)

    def one(_):
        answer = session.get("/users/verify").json()
        if answer.get("data", {}).get("email") != "demo@example.com":
            raise RuntimeError(f"unexpected answer {answer}")

    one(0)
    start = time.perf_counter()
    if concurrency <= 1:
        for i in range(count):
            one(i)
    else:
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - start
    print(json.dumps({"rps": count / elapsed}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
