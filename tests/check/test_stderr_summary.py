"""A crashing command port's stderr in one line: the line that names the
error, wherever it stands, not only the last lines (node prints its error
above a stack of frames and its own version)."""
import pytest

from micrograd_lab.harness.engines.command_process import stderr_summary

FRAMES = "\n".join(f"    at frame{i} (node:internal/modules/cjs/loader:{1000 + i}:12)"
                   for i in range(10))


@pytest.mark.parametrize("stderr, summary", [
    # node, a syntax error in the port: the file and line, then the error
    (f"/home/me/port/engine.js:41\n  let x = {{;\n          ^\n\nSyntaxError: Unexpected token ';'\n"
     f"{FRAMES}\n\nNode.js v20.11.0\n",
     "/home/me/port/engine.js:41 | SyntaxError: Unexpected token ';' | … | Node.js v20.11.0"),
    # node, a module the port requires is missing: node's own place is not the port's
    (f"node:internal/modules/cjs/loader:1207\n  throw err;\n  ^\n\nError: Cannot find module "
     f"'./config.json'\nRequire stack:\n- /home/me/port/engine.js\n{FRAMES} {{\n"
     f"  code: 'MODULE_NOT_FOUND',\n  requireStack: [ '/home/me/port/engine.js' ]\n}}\n\n"
     f"Node.js v20.11.0\n",
     "Error: Cannot find module './config.json' | … | Node.js v20.11.0"),
    # node, the port's own file missing: the error has its code in brackets
    ("node:internal/modules/esm/resolve:264\n    throw new ERR_MODULE_NOT_FOUND(\n          ^\n\n"
     "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/home/me/port/engine.js' imported from "
     f"/home/me/port/node_driver.js\n{FRAMES} {{\n  code: 'ERR_MODULE_NOT_FOUND',\n"
     "  url: 'file:///home/me/port/engine.js'\n}\n\nNode.js v20.20.2\n",
     "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/home/me/port/engine.js' imported from "
     "/home/me/port/node_driver.js | … | Node.js v20.20.2"),
    # Java: the root cause, under the exception
    ("Exception in thread \"main\" java.lang.IllegalStateException: setup failed\n"
     + "".join(f"\tat Port.step{i}(Port.java:{20 + i})\n" for i in range(8))
     + "Caused by: java.lang.ArithmeticException: / by zero\n"
     + "".join(f"\tat Value.div{i}(Value.java:{40 + i})\n" for i in range(8))
     + "\t... 9 more\n",
     "Caused by: java.lang.ArithmeticException: / by zero | … | ... 9 more"),
    # Rust: the panic's message is the line after it
    ("thread 'main' panicked at src/value.rs:88:14:\nindex out of bounds: the len is 2 but the "
     "index is 2\nstack backtrace:\n" + "".join(f"  {i}: port::f{i}\n" for i in range(8))
     + "note: Some details are omitted\n",
     "thread 'main' panicked at src/value.rs:88:14: | index out of bounds: the len is 2 but "
     "the index is 2 | … | note: Some details are omitted"),
    # Go
    ("panic: runtime error: invalid memory address or nil pointer dereference\n"
     "[signal SIGSEGV: segmentation violation]\n\ngoroutine 1 [running]:\n"
     + "".join(f"main.step{i}(...)\n\t/home/me/port/value.go:{10 + i}\n" for i in range(4))
     + "exit status 2\n",
     "panic: runtime error: invalid memory address or nil pointer dereference | … | exit status 2"),
    # Go out of memory: the runtime's dump ends in its own source lines
    ("runtime: out of memory: cannot allocate 8192-byte block (536870912 in use)\n"
     "fatal error: out of memory\n\ngoroutine 1 [running]:\n"
     + "".join(f"runtime.f{i}()\n\t/usr/lib/go-1.19/src/runtime/mgc.go:{1200 + i}\n"
               for i in range(6)),
     "fatal error: out of memory | … | /usr/lib/go-1.19/src/runtime/mgc.go:1205"),
    # Go out of memory with the stacks of every goroutine below (a student's
    # port: the summary quoted the garbage collector's frames, not the error)
    ("fatal error: runtime: out of memory\n\nruntime stack:\n"
     + "".join(f"runtime.gcBgMarkWorker{i}()\n\t/usr/lib/go-1.19/src/runtime/mgc.go:{1200 + i}\n"
               for i in range(60)),
     "fatal error: runtime: out of memory | … | /usr/lib/go-1.19/src/runtime/mgc.go:1259"),
    # a Go frame named like an error is not the error line (found by a review)
    ("panic: boom\n\ngoroutine 1 [running]:\n" + "".join(
        f"main.wrapError(0xc0000{i})\n\t/home/me/port/value.go:{10 + i}\n" for i in range(3))
     + "exit status 2\n", "panic: boom | … | exit status 2"),
])
def test_the_line_that_names_the_error_is_kept(stderr, summary):
    assert stderr_summary(stderr) == summary


@pytest.mark.parametrize("stderr", [
    # an error logged long before the end (50 lines of progress since)
    "TypeError: a warning the port logged\n" + "".join(f"step {i}\n" for i in range(50)),
    # Python: the exception is the last line already
    "Traceback (most recent call last):\n  File \"port.py\", line 3, in <module>\n"
    "    import tiny\nModuleNotFoundError: No module named 'tiny'\n",
    # nothing that names an error: the last lines as they were
    "\n".join(f"working on step {i}" for i in range(20)),
    # C++: `what():` among the last lines
    "terminate called after throwing an instance of 'std::runtime_error'\n  what():  bad op\n",
])
def test_otherwise_the_last_six_lines(stderr):
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    assert stderr_summary(stderr) == " | ".join(lines[-6:])
