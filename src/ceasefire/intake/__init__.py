"""Intake: files, URLs, JSON lines and event datasets turned into documents with their raw bytes.

Every function here raises `InputError` with a one-line problem; none of them touches the store.
"""
from ceasefire.intake.datasets import DATASET_FORMATS, read_dataset
from ceasefire.intake.files import make_document, read_file, read_jsonl
from ceasefire.intake.web import fetch_url

__all__ = ["DATASET_FORMATS", "fetch_url", "make_document", "read_dataset", "read_file", "read_jsonl"]
