"""Every claim the README makes, mapped to the tests that prove it.

A README line that makes a claim (it says "every", "never", "always", "exactly once", "atomic",
"guarantee", "whatever" ...) must contain one of the registered claims below, each of which names
at least one test that exists. So a new claim without a test fails here, and so does a claim whose
test was deleted or renamed. Code blocks and the benchmark tables (measured, not promised: their
figures come from ``benchmarks/``) are not claims.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import NamedTuple

import pytest

from cognee_langchain.memory import GraphMemory

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

_CLAIM_WORDS = re.compile(
    r"\b(every|never|always|exactly once|atomic|all or nothing|guarantee[sd]?|cannot|can never|"
    r"whatever|runs on)\b",
    re.IGNORECASE,
)
# Sections whose lines are measurements or lists of open gaps, not promises.
_NOT_CLAIMS = ("## Benchmarks",)


class Claim(NamedTuple):
    text: str
    """A phrase of one README line."""
    proofs: tuple[str, ...]
    """Tests proving it, as ``path::test_name``."""


CLAIMS = (
    Claim(
        "Every I/O method has an async twin",
        ("tests/unit/test_readme_claims.py::test_every_io_method_of_the_memory_has_an_async_twin",),
    ),
    Claim(
        "One vocabulary on every entry point",
        (
            "tests/unit/test_public_vocabulary.py::test_reads_take_datasets",
            "tests/unit/test_public_vocabulary.py::test_writes_take_one_dataset_with_one_default",
            "tests/unit/test_public_vocabulary.py::test_retriever_fields_use_the_same_names_and_defaults",
        ),
    ),
    Claim(
        "or `None` for every dataset you may read",
        ("tests/unit/test_public_vocabulary.py::test_reads_take_datasets",),
    ),
    Claim(
        "a misspelt keyword is an `InvalidInputError`, never",
        ("tests/unit/test_public_vocabulary.py::test_unknown_arguments_are_errors",),
    ),
    Claim(
        "one user can never read or persist",
        (
            "tests/integration/test_chat_message_history.py::test_histories_of_two_users_with_one_session_id_are_isolated",
            "tests/unit/test_persist_sessions_graph.py::test_another_users_session_is_not_found_and_never_persisted",
        ),
    ),
    Claim(
        "`improve` persists every message in",
        (
            "tests/unit/test_session_rendering.py::test_ai_first_session_and_consecutive_human_messages_are_all_persisted",
            "tests/unit/test_session_rendering.py::test_tool_calls_and_results_are_persisted_for_a_reader",
        ),
    ),
    Claim(
        "rendered the same on every run",
        (
            "tests/unit/test_session_rendering.py::test_every_message_appears_once_in_order_and_rendering_is_deterministic",
            "tests/unit/test_session_rendering.py::test_same_messages_render_the_same_document_in_any_run",
        ),
    ),
    Claim(
        "each message exactly once",
        (
            "tests/unit/test_session_rendering.py::test_trailing_question_waits_then_is_persisted_once_answered",
            "tests/unit/test_session_rendering.py::test_each_message_is_persisted_once_across_runs_and_failures",
        ),
    ),
    Claim(
        "deadline of every chat-model call",
        (
            "tests/integration/test_recall_llm.py::test_recall_stops_at_its_deadline_even_when_the_client_has_none",
            "tests/unit/test_memory_lifecycle.py::test_llm_timeout_bounds_the_default_extractor",
        ),
    ),
    Claim(
        "| owner (created the dataset) | always |",
        ("tests/unit/test_memory_permissions.py::test_only_owners_and_sharers_may_grant",),
    ),
    Claim(
        "can never revoke the owner's permissions",
        ("tests/unit/test_memory_permissions.py::test_a_sharer_cannot_revoke_a_right_it_lacks",),
    ),
    Claim(
        "the owner always holds every",
        ("tests/unit/test_memory_permissions.py::test_only_owners_and_sharers_may_grant",),
    ),
    Claim(
        "never changes its own, so every",
        (
            "tests/unit/test_memory_permissions.py::test_a_sharer_cannot_give_itself_delete_and_wipe_the_dataset",
            "tests/unit/test_memory_permissions.py::test_a_sharer_cannot_grant_a_right_it_lacks",
            "tests/unit/test_memory_permissions.py::test_share_passes_on_only_with_the_rights_held",
        ),
    ),
    Claim(
        "Every graph store checks",
        ("tests/unit/test_memory_permissions.py::test_granting_without_share_is_refused",),
    ),
    Claim(
        "Every error subclasses `CogneeLangchainError`",
        (
            "tests/unit/test_public_vocabulary.py::test_every_error_type_is_exported_from_the_package",
            "tests/unit/test_fuzz_public_api.py::test_remember",
            "tests/unit/test_fuzz_public_api.py::test_search",
            "tests/unit/test_memory_remember.py::test_unusable_vectors_raise_extraction_error_and_write_nothing",
        ),
    ),
    Claim(
        "`improve` stores each message exactly once, whatever fails",
        (
            "tests/integration/test_crash_consistency.py::test_improve_killed_at_every_step_in_turn_stores_each_qa_once",
            "tests/integration/test_crash_consistency.py::test_redis_restart_mid_improve_fails_then_the_next_run_converges",
            "tests/unit/test_persist_exactly_once.py::test_regression_failed_watermark_then_new_turns_stores_each_qa_once",
        ),
    ),
    Claim(
        "a write is all or nothing",
        (
            "tests/integration/test_crash_consistency.py::test_remember_killed_at_any_step_keeps_all_or_nothing",
        ),
    ),
    Claim(
        "then close every store",
        (
            "tests/unit/test_memory_lifecycle.py::test_close_waits_for_a_background_improve_then_closes",
            "tests/unit/test_memory_lifecycle.py::test_aclose_waits_for_a_background_improve",
        ),
    ),
    Claim(
        "`share` never passes on a right the sharer lacks",
        ("tests/unit/test_memory_permissions.py::test_a_sharer_cannot_grant_a_right_it_lacks",),
    ),
    Claim(
        "## Guarantees, and the tests that prove them",
        ("tests/unit/test_readme_claims.py::test_every_claiming_line_is_registered",),
    ),
    Claim(
        "| guarantee | proved by |",
        ("tests/unit/test_readme_claims.py::test_every_claiming_line_is_registered",),
    ),
    Claim(
        "store each message once: the graph write claims each message",
        (
            "tests/unit/test_cross_process_persist.py::test_two_processes_improving_one_session_with_a_turn_appended_between_store_each_once",
            "tests/unit/test_cross_process_persist.py::test_many_processes_improving_the_same_sessions_with_appends_store_each_once",
            "tests/unit/test_cross_process_persist.py::test_two_memory_objects_in_one_process_store_each_once",
        ),
    ),
    Claim(
        "`remember` racing `forget` in one dataset",
        (
            "tests/unit/test_remember_forget_race.py::test_remember_racing_forget_both_succeed",
            "tests/unit/test_remember_forget_race.py::test_remember_losing_every_race_gets_a_retryable_error",
        ),
    ),
    Claim(
        "graph file locked by another process → `StoreBusyError`",
        (
            "tests/integration/test_graph_faults.py::test_a_lock_held_by_another_process_is_busy_and_retryable",
            "tests/integration/test_graph_faults.py::test_a_read_only_graph_is_searchable_and_refuses_writes_typed",
            "tests/integration/test_graph_faults.py::test_a_full_disk_is_typed_and_leaves_the_last_commit",
            "tests/integration/test_graph_faults.py::test_a_damaged_file_is_detected_on_open_and_never_written",
            "tests/integration/test_graph_faults.py::test_damage_found_during_use_stops_every_later_write",
        ),
    ),
    Claim(
        "a process forked after the memory was used",
        (
            "tests/integration/test_fork_safety.py::test_forked_workers_recall_search_and_remember",
            "tests/integration/test_fork_safety.py::test_async_methods_work_in_the_child",
            "tests/integration/test_fork_safety.py::test_lock_held_by_a_parent_thread_does_not_block_the_child",
            "tests/integration/test_fork_safety.py::test_worker_processes_end_to_end",
        ),
    ),
    Claim(
        "the file is damaged (never written again)",
        (
            "tests/integration/test_graph_faults.py::test_damage_found_during_use_stops_every_later_write",
        ),
    ),
    Claim(
        "a session's messages, counter and watermarks are one Redis key",
        (
            "tests/integration/test_redis_eviction.py::test_an_evicted_session_reports_its_messages_lost_and_keeps_counting",
            "tests/integration/test_redis_eviction.py::test_improve_reports_the_messages_an_eviction_took",
        ),
    ),
    Claim(
        "no password of a store URL",
        (
            "tests/unit/test_redaction.py::test_no_userinfo_password_survives",
            "tests/unit/test_redaction.py::test_no_query_string_secret_survives",
            "tests/integration/test_session_store_faults.py::test_the_redis_store_never_shows_its_password",
        ),
    ),
    Claim(
        "before either is written again, the session starts afresh — nothing is duplicated",
        (
            "tests/integration/test_redis_eviction.py::test_a_session_forgotten_whole_starts_afresh_without_a_stale_watermark",
            "tests/integration/test_redis_eviction.py::test_under_allkeys_lru_pressure_nothing_is_persisted_twice_and_every_loss_is_reported",
        ),
    ),
)


def _claiming_lines(text: str) -> list[tuple[int, str]]:
    """README lines that make a claim: outside code blocks and the measured sections."""
    lines, in_code, section = [], False, ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if line.startswith("## "):
            section = line
        if in_code or section.startswith(_NOT_CLAIMS):
            continue
        if _CLAIM_WORDS.search(line):
            lines.append((number, line))
    return lines


def _test_exists(proof: str) -> bool:
    path, _, name = proof.partition("::")
    source = ROOT / path
    return (
        source.is_file()
        and re.search(rf"^(async )?def {re.escape(name)}\(", source.read_text(), re.MULTILINE)
        is not None
    )


def test_every_claim_is_in_the_readme() -> None:
    text = README.read_text()
    assert [claim.text for claim in CLAIMS if claim.text not in text] == []


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.text[:40] for c in CLAIMS])
def test_every_claim_names_tests_that_exist(claim: Claim) -> None:
    assert claim.proofs
    assert [proof for proof in claim.proofs if not _test_exists(proof)] == []


def test_every_claiming_line_is_registered() -> None:
    unregistered = [
        f"README.md:{number}: {line}"
        for number, line in _claiming_lines(README.read_text())
        if not any(claim.text in line for claim in CLAIMS)
    ]
    assert unregistered == [], "register each claim with the tests that prove it (or drop it)"


def test_a_new_unproven_claim_would_be_caught() -> None:
    text = "## Usage\nIt always works.\n```\nnever mind: code\n```\n## Benchmarks\nevery run\n"
    assert _claiming_lines(text) == [(2, "It always works.")]


# Methods of the memory that do I/O (stores, models) and so must have an ``a``-prefixed twin.
_SYNC_ONLY = {"as_retriever", "as_tool", "close"}


def test_every_io_method_of_the_memory_has_an_async_twin() -> None:
    public = {
        name: member
        for name, member in inspect.getmembers(GraphMemory, inspect.isfunction)
        if not name.startswith("_")
    }
    sync = [
        name
        for name, member in public.items()
        if not inspect.iscoroutinefunction(member) and name not in _SYNC_ONLY
    ]
    missing = [name for name in sync if not inspect.iscoroutinefunction(public.get(f"a{name}"))]
    assert sync and missing == []
    assert "aclose" in public  # close has its twin too, listed apart as it does no store I/O
