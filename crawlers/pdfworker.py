"""The document parser process of :class:`crawlers.documents.ParserProcess` (``python -m crawlers.pdfworker MB``).

It limits its own address space to MB megabytes, then reads files from standard input (an 8-byte
big-endian length, then the kind, ``pdf``, ``docx``, ``pptx`` or ``xlsx``, a newline and the bytes)
and answers each on standard output with an 8-byte length and JSON:
``["ok", facts]`` or ``["na", reason]``. Anything worse (a crash, the memory limit hit inside a C
library) ends the process, and the parent says "too complex" and starts another.
"""

from __future__ import annotations

import json
import struct
import sys
from typing import BinaryIO


def _read(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def serve(memory_mb: int, stdin: BinaryIO, stdout: BinaryIO) -> None:
    import resource

    from crawlers import officefacts
    from crawlers.pdffacts import NotAssessable, pdf_facts

    limit = memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass  # where it cannot be set, the parent's time limit still holds
    while True:
        header = _read(stdin, 8)
        if header is None:
            return
        message = _read(stdin, struct.unpack(">Q", header)[0])
        if message is None:
            return
        kind, _, data = message.partition(b"\n")
        del message
        answer: list[object]
        try:
            if kind == b"pdf":
                answer = ["ok", pdf_facts(data).model_dump(mode="json")]
            else:
                answer = ["ok", officefacts.office_facts(data, kind.decode()).model_dump(mode="json")]  # type: ignore[arg-type]
        except (NotAssessable, officefacts.NotAssessable) as exc:
            answer = ["na", str(exc)]
        except MemoryError:
            answer = ["na", f"too complex: parsing needs more than {memory_mb} MB"]
        except RecursionError:
            answer = ["na", "too complex: the file's objects are nested too deeply"]
        except Exception as exc:  # a damaged file that a library did not expect
            answer = ["na", f"damaged: {type(exc).__name__}: {str(exc)[:200]}"]
        del data
        out = json.dumps(answer).encode()
        stdout.write(struct.pack(">Q", len(out)) + out)
        stdout.flush()


def main() -> None:
    """Keep the answers' channel to ourselves: a C library that prints to standard output (PDFium,
    qpdf) writes to standard error instead, and cannot corrupt an answer. Ctrl-C in the terminal
    reaches this process too: it is ignored, the parent decides when parsing stops (a document cut
    short by it would otherwise read as "too complex" instead of staying pending for ``resume``)."""
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 512, sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
