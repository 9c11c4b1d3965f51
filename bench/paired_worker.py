"""The worker of `bench.match_paired`: one code's side, deciding the documents it is asked for.

    python -m chartfile.bench.paired_worker SIZE DOCS SEED   (started by bench.match_paired)

It imports whichever `chartfile` its path holds (this code, or another commit's tree with this file
copied in) and uses only what `bench.match_speed` has long offered: the same list, documents and
warm-up as a match_speed run with the same seed. Prints {"ready": true} once the index is built, then
for each document number read from stdin one line: its decide() time in ms and its verdict.
"""

from __future__ import annotations

import gc
import itertools
import json
import random
import sys
import time

from chartfile.bench import match_speed as m
from chartfile.matching.compare import name_forms
from chartfile.matching.decide import decide
from chartfile.matching.index import PatientIndex
from chartfile.settings import MatchingSettings


def serve(size: int, docs: int, seed: int) -> None:
    firsts, lasts = m.name_lists()
    patients = m.generate_patients(size, seed=seed, firsts=firsts, lasts=lasts)
    index = PatientIndex.from_records(patients)
    gc.freeze()  # as the runtime does
    queries = m.make_queries(patients, docs, seed=seed + 1, firsts=firsts, lasts=lasts)
    rng = random.Random(seed + 2)
    providers = [(rng.choice(firsts[:200]), rng.choice(lasts[:200])) for _ in range(50)]
    settings = MatchingSettings()
    pairs = list(zip(queries, itertools.cycle(providers), strict=False))
    name_forms("William")  # loads the nickname tables, untimed
    warm_up = m.stranger(random.Random(seed - 1), firsts, lasts)
    for query, provider in ((warm_up, providers[0]), pairs[0]):  # untimed: first calls fill caches
        decide(m.extraction_of(m.page_text(query, provider)), index, settings)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        query, provider = pairs[int(line)]
        extraction = m.extraction_of(m.page_text(query, provider))  # untimed, as in match_speed
        start = time.perf_counter()
        decision = decide(extraction, index, settings)
        elapsed = (time.perf_counter() - start) * 1000
        print(
            json.dumps({"ms": elapsed, "verdict": [decision.status.value, decision.patient_mrn]}), flush=True
        )


if __name__ == "__main__":
    serve(*(int(arg) for arg in sys.argv[1:4]))
