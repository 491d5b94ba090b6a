"""The command line as scripts use it: spellings, outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph import queries
from graph.cli import main


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("cli") / "store")
    result = CliRunner().invoke(main, ["init", "--store", location])
    assert result.exit_code == 0, result.output
    return location


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_stats_prints_the_seed_counts(store_dir: str) -> None:
    code, out, _ = run("stats", "--store", store_dir, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["triples"] > 100
    assert any(g.endswith("graph/ontology") for g in data["graphs"])
    assert data["classes"]["https://w3id.org/coopgraph/def#LocalAuthority"] >= 6
    code, text, _ = run("stats", "--store", store_dir)
    assert code == 0 and f"triples: {data['triples']}" in text


@pytest.mark.parametrize("name", [q.name for q in queries.competency_questions()])
def test_query_answers_each_competency_question(store_dir: str, name: str) -> None:
    code, out, err = run("query", "--store", store_dir, "--name", name, "--format", "json")
    assert code == 0, err
    assert isinstance(json.loads(out), list)


def test_query_formats(store_dir: str) -> None:
    text = "SELECT ?a WHERE { ?a a <https://w3id.org/coopgraph/def#LocalAuthority> } ORDER BY ?a"
    code, out, _ = run("query", "--store", store_dir, text, "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "a" and len(lines) >= 7
    code, out, _ = run("query", "--store", store_dir, text, "--format", "table")
    assert code == 0 and f"({len(lines) - 1} rows)" in out


def test_query_from_a_file_and_ask(store_dir: str, tmp_path: Path) -> None:
    file = tmp_path / "q.rq"
    file.write_text("ASK { ?s a <https://w3id.org/coopgraph/def#Partnership> }")
    code, out, _ = run("query", "--store", store_dir, "--file", str(file))
    assert code == 0 and out.strip() == "true"


def test_export_nquads_keeps_named_graphs(store_dir: str, tmp_path: Path) -> None:
    target = tmp_path / "out.nq"
    code, _, _ = run("export", "--store", store_dir, "--format", "nquads", "--output", str(target))
    assert code == 0
    graphs = {q.graph_name.value for q in ox.parse(path=str(target), format=ox.RdfFormat.N_QUADS)}
    assert any(g.endswith("graph/meta") for g in graphs) and any("graph/seed/" in g for g in graphs)
    code, out, _ = run("export", "--store", store_dir, "--format", "turtle")
    assert code == 0 and "coop:LocalAuthority" in out


def test_failures_exit_non_zero_with_one_line(store_dir: str, tmp_path: Path) -> None:
    code, _, err = run("query", "--store", store_dir, "SELECT WHERE {")
    assert code == 1 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    code, _, err = run("query", "--store", store_dir, "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    assert code == 1 and "SERVICE" in err
    code, _, err = run("query", "--store", str(tmp_path / "missing"), "--name", "nope")
    assert code == 1 and "nope" in err
    code, _, err = run("export", "--store", store_dir, "--format", "xml")
    assert code == 2


def test_backup_restore_round_trip(store_dir: str, tmp_path: Path) -> None:
    file = tmp_path / "backup.nq.gz"
    code, _, err = run("backup", "--store", store_dir, str(file))
    assert code == 0, err
    restored = str(tmp_path / "restored")
    code, _, err = run("restore", "--store", restored, str(file))
    assert code == 0, err
    code, a, _ = run("stats", "--store", store_dir, "--json")
    code, b, _ = run("stats", "--store", restored, "--json")
    left, right = json.loads(a), json.loads(b)
    assert left["graphs"] == right["graphs"] and left["triples"] == right["triples"]


def test_bench_passes_reload_and_its_other_flags_to_the_harness(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``coopgraph bench`` reuses a loaded store unless ``--reload``; the flags reach the harness
    (the harness itself runs end to end in tests/test_bench.py)."""
    from bench import harness

    seen: list[harness.Options] = []

    def measured(options: harness.Options) -> dict[str, object]:
        seen.append(options)
        return {"scale": options.scale, "date": "2026-11-26", "repetitions": options.repetitions, "output": "r.json"}

    monkeypatch.setattr(harness, "run", measured)
    code, out, err = run("bench", "--scale", "0.01", "--workdir", str(tmp_path), "-n", "2", "--no-peers")
    assert code == 0, err
    assert seen[-1].reload is False and seen[-1].reuse_store is True and seen[-1].network_memory is True
    assert seen[-1].workdir == tmp_path and seen[-1].repetitions == 2 and seen[-1].active() == ("coopgraph", "oxigraph")
    assert "Scale 0.01×" in out and "results: r.json" in out
    code, _, err = run("bench", "--scale", "0.01", "--workdir", str(tmp_path), "--reload", "--no-memory")
    assert code == 0, err
    assert seen[-1].reload is True and seen[-1].network_memory is False


def test_every_command_is_listed_with_the_module_that_holds_it() -> None:
    """The group loads a command's module only when the command runs: its table must name
    exactly the commands the modules hold, and each in the right module."""
    import importlib
    import pkgutil

    import graph.cli as cli

    held = {}
    for info in pkgutil.iter_modules(cli.__path__):
        if info.name == "__main__":
            continue
        module = importlib.import_module(f"graph.cli.{info.name}")
        held.update({c.name: info.name for c in getattr(module, "commands", [])})
    assert held == cli.COMMANDS
    code, out, _ = run("--help")
    assert code == 0 and all(f"  {name} " in out for name in cli.COMMANDS)
    assert run("no-such-command")[0] == 2


def test_serve_loads_neither_networkx_nor_the_store_before_its_options_are_read() -> None:
    """``serve`` may re-execute itself on another allocator once its options are read:
    what it imports before that, it imports twice."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from graph.cli import main\n"
        "main.get_command(None, 'serve')\n"
        "print(sorted(m for m in ('networkx', 'pyoxigraph', 'graph.store', 'fastapi') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
