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
        "On PostgreSQL it catches up in the background too: every commit sends a `NOTIFY`",
        (
            "tests/integration/test_postgres_memory.py::test_a_memory_on_postgres_follows_other_workers_writes_and_stops_on_close",
            "tests/unit/test_graph_index.py::test_a_following_index_catches_up_with_another_writer_before_any_search",
        ),
    ),
    Claim(
        "each message persisted exactly once, no deadlock",
        (
            "tests/integration/test_many_workers.py::test_four_workers_remember_into_one_dataset",
            "tests/integration/test_many_workers.py::test_four_workers_improve_disjoint_sessions",
            "tests/integration/test_many_workers.py::test_four_workers_improve_the_same_sessions",
        ),
    ),
    Claim(
        "`improve` then persists each message exactly once",
        (
            "tests/integration/test_postgres_memory.py::test_a_connection_lost_mid_remember_writes_nothing_and_the_next_call_works",
            "tests/integration/test_postgres_memory.py::test_a_connection_lost_mid_improve_persists_each_message_once_on_retry",
            "tests/integration/test_postgres_memory.py::test_after_a_server_restart_the_same_memory_works_without_a_new_process",
            "tests/integration/test_graph_store_postgres.py::test_a_backend_terminated_mid_apply_writes_nothing_and_the_next_apply_works",
            "tests/integration/test_session_store_postgres.py::test_a_backend_terminated_mid_append_writes_nothing_and_the_retry_works",
        ),
    ),
    Claim(
        "a schema written by a newer release is refused with the upgrade to make, never read",
        (
            "tests/integration/test_graph_store_postgres.py::test_a_schema_of_a_newer_release_asks_for_an_upgrade",
            "tests/integration/test_session_store_postgres.py::test_a_schema_of_a_newer_release_is_refused_naming_the_upgrade",
        ),
    ),
    Claim(
        "every write is a revision; a worker's next search sees the others' writes",
        (
            "tests/integration/test_graph_store_postgres.py::test_two_stores_on_one_schema_see_each_others_writes_and_changes",
            "tests/integration/test_graph_store_postgres.py::test_concurrent_writers_serialise_with_gapless_revisions",
            "tests/integration/test_many_workers.py::test_a_worker_sees_another_workers_writes_in_its_next_search",
        ),
    ),
    Claim(
        "row: turns never interleave",
        (
            "tests/integration/test_session_store_postgres.py::test_four_threads_appending_to_a_new_session_keep_turns_whole",
            "tests/integration/test_session_store_postgres.py::test_two_processes_appending_to_a_new_session_keep_turns_whole",
        ),
    ),
    Claim(
        "every dataset, one transaction each: owners and grants",
        (
            "tests/unit/test_migration.py::test_every_dataset_moves_whole",
            "tests/integration/test_postgres_memory.py::test_an_embedded_memory_moves_into_postgres",
        ),
    ),
    Claim(
        "Every example in `examples/` runs after this first command",
        (
            "tests/integration/test_examples.py::test_example_runs_offline",
            "tests/unit/test_readme_first_command.py::test_examples_and_readme_blocks_import_only_core_dependencies",
        ),
    ),
    Claim(
        "every block not marked as needing an API key runs",
        (
            "tests/unit/test_readme_blocks.py::test_python_blocks_of_each_section_run_and_print_what_they_say",
            "tests/unit/test_readme_blocks.py::test_blocks_not_run_offline_say_why_with_an_accepted_reason",
            "tests/integration/test_readme_blocks.py::test_readme_blocks_that_need_redis_run_on_the_test_redis",
            "tests/integration/test_readme_blocks.py::test_readme_blocks_that_need_postgres_run_on_the_test_server",
        ),
    ),
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
    Claim(
        "labels never",
        (
            "tests/integration/test_visualize_browser.py::test_twelve_entities_all_named_and_fitted_to_the_window",
            "tests/integration/test_visualize_browser.py::test_the_dense_corpus_that_rendered_blank_is_a_picture",
            "tests/integration/test_visualize_browser.py::test_ten_thousand_entities_render_in_three_seconds",
        ),
    ),
    Claim(
        "without `session_ids` persists every session of the user",
        (
            "tests/unit/test_agent_written_memory.py::test_improve_without_session_ids_persists_every_session_of_the_user",
            "tests/unit/test_agent_written_memory.py::test_a_chat_only_dataset_starts_from_its_sessions_with_create_dataset",
        ),
    ),
    Claim(
        "session cache, so `improve` never stores it twice",
        (
            "tests/unit/test_agent_written_memory.py::test_remember_with_a_session_tags_the_memory_with_it",
            "tests/unit/test_agent_written_memory.py::test_forget_by_session_removes_what_was_remembered_in_it",
        ),
    ),
    Claim(
        "Offline answers never invent",
        (
            "tests/unit/test_agent_written_memory.py::test_an_unsupported_offline_answer_says_so_and_is_never_persisted",
            "tests/unit/test_recall.py::test_an_answer_the_memory_does_not_support_says_so",
            "tests/unit/test_recall.py::test_every_name_of_the_question_must_be_in_the_answer",
        ),
    ),
    Claim(
        "and `improve` never persists that answer as knowledge",
        (
            "tests/unit/test_agent_written_memory.py::test_an_unsupported_offline_answer_says_so_and_is_never_persisted",
            "tests/unit/test_offline_extractor.py::test_a_question_names_its_entities_and_states_no_fact",
        ),
    ),
    Claim(
        "and names no file is an `InvalidInputError`, never stored as text",
        (
            "tests/unit/test_memory_remember.py::test_a_str_naming_a_missing_file_is_an_error_not_text",
            "tests/unit/test_memory_remember.py::test_a_str_naming_an_existing_non_text_file_is_refused",
            "tests/unit/test_memory_remember.py::test_a_str_with_a_space_is_never_taken_for_a_path",
        ),
    ),
    Claim(
        "| searchable text | every string in the value",
        ("tests/unit/test_store.py::test_index_paths_and_text_fields_choose_the_searchable_text",),
    ),
    Claim(
        "the package adds no handler and",
        (
            "tests/unit/test_tracing.py::test_operations_log_at_debug_without_secrets_or_user_text_at_info",
        ),
    ),
    Claim(
        "never touches the root logger",
        (
            "tests/unit/test_tracing.py::test_operations_log_at_debug_without_secrets_or_user_text_at_info",
        ),
    ),
    Claim(
        "INFO never holds queries, documents,",
        (
            "tests/unit/test_tracing.py::test_operations_log_at_debug_without_secrets_or_user_text_at_info",
            "tests/unit/test_tracing.py::test_a_session_store_failure_is_logged_without_the_password",
        ),
    ),
    Claim(
        "every global option also comes from its",
        (
            "tests/unit/test_cli_settings.py::test_data_dir_comes_from_the_environment_and_the_flag_wins",
            "tests/unit/test_cli_settings.py::test_user_comes_from_the_environment_and_the_flag_wins",
            "tests/integration/test_cli_settings.py::test_environment_limits_reach_the_memory",
        ),
    ),
    Claim(
        "Import is one transaction: every line is checked first",
        (
            "tests/unit/test_transfer.py::test_every_bad_line_is_refused_with_its_number_and_nothing_is_written",
            "tests/integration/test_cli_transfer.py::test_bad_files_conflicts_and_strangers_exit_with_one_line",
        ),
    ),
    Claim(
        "Every option above can also come from an environment variable",
        (
            "tests/unit/test_settings.py::test_every_field_has_a_variable_and_a_tested_good_and_bad_value",
            "tests/unit/test_settings.py::test_each_variable_sets_its_field",
            "tests/unit/test_settings.py::test_memory_takes_every_option_from_the_environment",
        ),
    ),
    Claim(
        "so the store runs on Redis Cluster",
        (
            "tests/integration/test_redis_cluster.py::test_twenty_users_appends_all_land_none_raises_moved",
            "tests/integration/test_redis_cluster.py::test_every_key_of_a_user_is_in_one_slot_on_the_cluster",
            "tests/integration/test_redis_cluster.py::test_graph_memory_recall_then_improve_on_the_cluster",
        ),
    ),
    Claim(
        "memories sharing one Redis never see each other's",
        (
            "tests/integration/test_issue_12_redis_session_namespaces.py::test_two_memories_on_one_redis_keep_their_sessions_apart",
            "tests/integration/test_issue_12_redis_session_namespaces.py::test_stores_in_different_namespaces_never_see_each_others_sessions",
        ),
    ),
    Claim(
        "an offline answer the memory does not support says so",
        (
            "tests/unit/test_agent_written_memory.py::test_an_unsupported_offline_answer_says_so_and_is_never_persisted",
            "tests/unit/test_offline_extractor.py::test_a_question_names_its_entities_and_states_no_fact",
        ),
    ),
    Claim(
        "a user's manage tool never updates or deletes another user's memory",
        (
            "tests/unit/test_agent_written_memory.py::test_a_user_never_updates_or_deletes_another_users_memory",
            "tests/unit/test_agent_written_memory.py::test_create_update_delete_a_memory",
        ),
    ),
    Claim(
        "one named run tree each, nested under the caller's run",
        (
            "tests/unit/test_tracing.py::test_remember_is_one_run_with_the_extraction_calls_as_children",
            "tests/unit/test_tracing.py::test_recall_is_one_run_with_the_answer_call_as_child",
            "tests/unit/test_tracing.py::test_improve_nests_the_pipeline_and_its_nodes_under_one_run",
            "tests/unit/test_tracing.py::test_a_call_inside_a_runnable_nests_under_it",
        ),
    ),
    Claim(
        "every `COGNEE_LANGCHAIN_*` variable sets its option",
        (
            "tests/unit/test_settings.py::test_each_variable_sets_its_field",
            "tests/unit/test_settings.py::test_precedence_arguments_then_environment_then_defaults",
            "tests/unit/test_settings.py::test_every_bad_value_names_its_variable_and_an_example",
        ),
    ),
    Claim(
        "two memories on one Redis never see each other's sessions",
        (
            "tests/integration/test_issue_12_redis_session_namespaces.py::test_two_memories_on_one_redis_keep_their_sessions_apart",
            "tests/integration/test_issue_12_unclosed_redis_connection.py::test_no_unclosed_connection_warning_after_asyncio_run",
        ),
    ),
    Claim(
        "the graph picture keeps every node inside the window",
        (
            "tests/integration/test_visualize_browser.py::test_ten_thousand_entities_render_in_three_seconds",
            "tests/integration/test_visualize_browser.py::test_hostile_names_are_text_in_the_browser",
            "tests/unit/test_visualization_layout.py::test_issue_12_the_dense_corpus_stays_bounded",
        ),
    ),
    Claim(
        "- **Time as data.** Every retrieval unit has its `occurred_at`",
        (
            "tests/unit/test_extraction_time.py::test_relative_dates_resolve_against_the_message_time",
            "tests/unit/test_dates.py::test_phrases_resolve_against_the_reference",
            "tests/unit/test_history.py::test_history_lists_each_version_with_its_interval_oldest_first",
        ),
    ),
    Claim(
        "is stored at its message's time, never mis-dated",
        (
            "tests/unit/test_dates.py::test_other_languages_are_never_mis_dated",
            "tests/unit/test_extraction_time.py::test_other_languages_are_stored_at_the_message_time",
            "tests/unit/test_dates.py::test_impossible_and_far_dates_are_skipped",
        ),
    ),
    Claim(
        "deleted, and forgetting the newest statement reopens the previous one",
        (
            "tests/unit/test_graph_intervals.py::test_what_is_true_at_any_moment_is_what_a_replay_finds",
            "tests/unit/test_extraction_time.py::test_joining_a_club_never_ends_a_job",
            "tests/unit/test_graph_intervals.py::test_many_valued_statements_never_close_each_other",
        ),
    ),
    Claim(
        "many-valued facts never collapse",
        ("tests/unit/test_graph_intervals.py::test_many_valued_statements_never_close_each_other",),
    ),
    Claim(
        "the same whatever the ingestion order, across processes too",
        (
            "tests/unit/test_graph_intervals.py::test_the_result_does_not_depend_on_input_order",
            "tests/unit/test_graph_intervals.py::test_what_is_true_at_any_moment_is_what_a_replay_finds",
        ),
    ),
    Claim(
        "lists every version, oldest first, with its interval",
        (
            "tests/unit/test_history.py::test_history_lists_each_version_with_its_interval_oldest_first",
            "tests/unit/test_history.py::test_moving_back_is_a_version_of_its_own",
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


# Methods of the memory that do no store or model I/O, so need no ``a``-prefixed twin: ``close``
# and the ``as_*`` factories of adapters (retriever, tools, store), which only wrap the memory.
_SYNC_ONLY = {"close"}


def test_every_io_method_of_the_memory_has_an_async_twin() -> None:
    public = {
        name: member
        for name, member in inspect.getmembers(GraphMemory, inspect.isfunction)
        if not name.startswith("_")
    }
    sync = [
        name
        for name, member in public.items()
        if not inspect.iscoroutinefunction(member)
        and name not in _SYNC_ONLY
        and not name.startswith("as_")
    ]
    missing = [name for name in sync if not inspect.iscoroutinefunction(public.get(f"a{name}"))]
    assert sync and missing == []
    assert "aclose" in public  # close has its twin too, listed apart as it does no store I/O
