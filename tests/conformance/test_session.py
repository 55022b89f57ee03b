"""The example session check-driver replays is the one docs/protocol.md
shows, and the harness writes it as the page does."""
import re
from pathlib import Path

from micrograd_lab.harness.engines.command_protocol import decode_message, encode_program
from micrograd_lab.harness.conformance.session import EXAMPLE_REQUESTS, EXAMPLE_SESSION

PROTOCOL_PAGE = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def test_the_requests_are_the_first_session_of_the_protocol_page():
    first_session = PROTOCOL_PAGE.read_text().split("```text")[1].split("```")[0]
    shown = re.findall(r"^> (.*)$", first_session, re.MULTILINE)
    assert shown == list(EXAMPLE_REQUESTS)


def test_the_harness_writes_each_program_as_the_page_shows_it():
    for number, (line, (program, integers)) in enumerate(zip(EXAMPLE_REQUESTS, EXAMPLE_SESSION), 1):
        assert encode_program(program, number, integers).decode() == line + "\n"
        assert decode_message(line.encode())["id"] == number
