"""Benchmark the scenario parser and checker.

Prints (1) the time to parse and check every built-in scenario, as a ratio to markdown-it-py
tokenising the same text alone (target: at most 3x), and (2) the time to parse and check a generated
300-scene scenario (target: under 1 s on a 2-core machine). Run: `python bench/scenarios.py`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markdown_it import MarkdownIt  # noqa: E402

from scenarios.check import check_source  # noqa: E402

ROLES = [
    ("kontaktlaerer", "Kontaktlærer", "skole"),
    ("ppt", "PPT", "ppt"),
    ("bvt", "Barneverntjenesten", "barnevern"),
    ("helsesykepleier", "Helsesykepleier", "helse"),
]


def generated_scenario(scenes: int = 300) -> str:
    """A large, valid scenario: every scene has four roles with three choices and a branching exit."""
    roles = "\n".join(
        f"  - id: {rid}\n    name: {name}\n    service: {service}" for rid, name, service in ROLES
    )
    parts = [
        f"---\nid: stor\ntitle: Stor\nlanguage: nb\nsummary: Generert.\nroles:\n{roles}\n---\n",
        "# Innledning\n\nEn lang sak.\n",
        "# Opplysninger\n",
    ]
    for i in range(20):
        holder = ROLES[i % 4][0]
        parts.append(
            f"## Opplysning {i} {{#info{i} sensitivitet=personlig}}\n\nTekst {i}.\n\n"
            f"- Kjent av: {holder}\n- Trengs av: {ROLES[(i + 1) % 4][0]}\n"
        )
    for n in range(scenes):
        parts.append(f"# Scene: Runde {n} {{#s{n} dag={n}}}\n\nFelles tekst for runde {n}.\n")
        for r, (_, name, _) in enumerate(ROLES):
            info = f"info{(n + r) % 20}"
            parts.append(
                f"## {name}\n\nPrivat tekst for {name} i runde {n}.\n\n"
                f"- Del {{#del .ekspert}}\n  - Deler: {info} -> {ROLES[(r + 1) % 4][0]} (samtykke)\n"
                f"  - Setter: teller{r} + 1\n  - Vurdering: informasjon +1\n\n  Begrunnelse for deling.\n\n"
                f"- Meld {{#meld}}\n  - Handling: melding-bvt\n  - Setter: meldt\n"
                "  - Vurdering: eskalering +1\n\n"
                f"  Begrunnelse for melding.\n\n"
                "- Vent {#vent}\n  - Handling: vente\n  - Vurdering: eskalering -1\n\n"
                "  Begrunnelse for å vente.\n"
            )
        nxt = f"s{n + 1}" if n + 1 < scenes else "god"
        alt = f"s{min(n + 2, scenes - 1)}" if n + 2 < scenes else "svak"
        parts.append(
            "## Videre\n\n"
            f"- Hvis `meldt og teller0 >= {n // 3}`: [Neste](#{alt})\n"
            f"- Hvis `kontaktlaerer valgte vent og bti == 0`: [Neste](#{nxt})\n"
            f"- Ellers: [Neste](#{nxt})\n"
        )
    parts.append("# Slutt: God {#god vurdering=god}\n\nBra.\n")
    parts.append("# Slutt: Svak {#svak vurdering=svak}\n\nDårlig.\n")
    return "\n".join(parts)


def best_of(fn, repeat: int) -> float:
    """Median of several runs, in seconds, so one slow run does not dominate."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=300, help="size of the generated scenario")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (the median is printed)")
    args = parser.parse_args(argv)
    files = sorted((ROOT / "scenarios" / "library").glob("*.md"))
    if not files:
        print("no built-in scenarios found: nothing measured", file=sys.stderr)
        return 1
    texts = [f.read_text(encoding="utf-8") for f in files]
    md = MarkdownIt("commonmark", {"html": False})
    for text in texts:  # warm caches and imports
        check_source(text)
        md.parse(text)

    tokenise = best_of(lambda: [md.parse(t) for t in texts], args.repeat * 6)
    full = best_of(lambda: [check_source(t) for t in texts], args.repeat * 6)
    size = sum(len(t.encode()) for t in texts)
    print(f"built-in scenarios: {len(files)} files, {size / 1024:.0f} KiB")
    print(f"  markdown-it tokenise only : {tokenise * 1000:8.2f} ms")
    print(f"  laget parse + check       : {full * 1000:8.2f} ms")
    print(f"  ratio                     : {full / tokenise:8.2f}x   (target <= 3x)")

    big = generated_scenario(args.scenes)
    result = check_source(big)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if result.scenario is None or errors:
        print(f"the generated scenario does not check: {errors[:3]}", file=sys.stderr)
        return 1
    big_time = best_of(lambda: check_source(big), args.repeat)
    big_tokenise = best_of(lambda: md.parse(big), args.repeat)
    print(
        f"generated scenario: {args.scenes} scenes, {len(big.encode()) / 1024:.0f} KiB, {len(errors)} errors"
    )
    print(f"  markdown-it tokenise only : {big_tokenise * 1000:8.1f} ms")
    print(f"  laget parse + check       : {big_time * 1000:8.1f} ms   (target < 1000 ms)")
    print(f"  ratio                     : {big_time / big_tokenise:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
