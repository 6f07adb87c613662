"""A real MCP client (the official Python `mcp` package) trying to make `calm-advisor mcp` read
and write outside its allowed roots.

Usage: python3 mcp_security_client.py CALM_ADVISOR_EXE WORKDIR
WORKDIR holds `project/` (the server's start directory, with an architecture `arch.json`, a
sub-directory `project/sub/` with `inner.json`, a non-JSON `notes.txt`, and a symlink
`link.json` to a file outside) and `elsewhere/` (outside, with `secret.json`). Prints one JSON
object with the result of every call, for the Rust test to judge.
"""
import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client


def attr(obj, camel, snake):
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


def result(r):
    return {
        "isError": bool(attr(r, "isError", "is_error")),
        "structured": attr(r, "structuredContent", "structured_content"),
        "text": [c.text for c in r.content if getattr(c, "type", "") == "text"],
    }


async def call(session, tool, args):
    return result(await session.call_tool(tool, args))


async def without_client_roots(exe, work):
    project = os.path.join(work, "project")
    outside = os.path.join(work, "elsewhere")
    params = StdioServerParameters(
        command=exe, args=["mcp", "--max-document-bytes", "100000"], cwd=project
    )
    fix = {"recipe": "add-load-balancer", "target": "api"}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            await s.initialize()
            return {
                "inside_validate": await call(s, "validate", {"path": "arch.json"}),
                "inside_render": await call(s, "render", {"path": "arch.json", "output": "out.svg"}),
                "abs_outside_read": await call(s, "validate", {"path": os.path.join(outside, "secret.json")}),
                "dotdot_read": await call(s, "review", {"path": "../elsewhere/secret.json"}),
                "symlink_read": await call(s, "review", {"path": "link.json"}),
                "render_outside_abs": await call(s, "render", {"path": "arch.json", "output": os.path.join(outside, "evil.svg")}),
                "render_outside_dotdot": await call(s, "render", {"path": "arch.json", "output": "../elsewhere/evil2.svg"}),
                "render_bad_extension": await call(s, "render", {"path": "arch.json", "format": "svg", "output": "run.sh"}),
                "apply_fix_outside": await call(s, "apply_fix", {"path": os.path.join(outside, "secret.json"), "fix": fix}),
                "apply_fix_not_calm": await call(s, "apply_fix", {"path": "plain.json", "fix": fix}),
                "not_json": await call(s, "validate", {"path": "notes.txt"}),
                "too_big": await call(s, "validate", {"document": "{" + " " * 200000 + "}"}),
            }


async def with_client_roots(exe, work):
    """The client offers only project/sub as a root: that replaces the start directory."""
    project = os.path.join(work, "project")
    sub = os.path.join(project, "sub")
    state = {"roots": [sub]}

    async def list_roots(context):
        return types.ListRootsResult(roots=[types.Root(uri="file://" + r) for r in state["roots"]])

    params = StdioServerParameters(command=exe, args=["mcp"], cwd=project)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, list_roots_callback=list_roots) as s:
            await s.initialize()
            out = {
                "in_client_root": await call(s, "validate", {"path": os.path.join(sub, "inner.json")}),
                "start_dir_not_a_root": await call(s, "validate", {"path": os.path.join(project, "arch.json")}),
            }
            # The client changes its roots and says so.
            state["roots"] = [project]
            await s.send_roots_list_changed()
            await asyncio.sleep(0.5)
            out["after_list_changed"] = await call(s, "validate", {"path": os.path.join(project, "arch.json")})
            return out


def hostile_documents():
    """Inputs that break naive parsers and graph code, sent inline (as in the validator's
    robustness tests: odd values in every position, deep nesting, dangling and cyclic
    references)."""
    node = lambda i, t="service": {"unique-id": f"n{i}", "node-type": t, "name": f"n{i}", "description": "d"}
    conn = lambda i, a, b: {"unique-id": f"r{i}", "relationship-type": {"connects": {"source": {"node": a}, "destination": {"node": b}}}}
    docs = [
        "",
        "null",
        "[" * 100000 + "]" * 100000,
        '{"nodes": "' + "x" * 50000 + '"}',
        '{"nodes": [{"unique-id": "\\ud800"}]}',
        "{\"nodes\": [1e999999, -0, NaN]}",
        {"nodes": None, "relationships": None, "flows": None},
        {"nodes": [1, "two", [3], {"four": 4}, None, True]},
        {"nodes": [node(1)] * 500, "relationships": [conn(1, "n1", "n1")] * 500},
        {"nodes": [node(1), node(2)], "relationships": [conn(1, "n1", "missing"), conn(2, "ghost", "n2")]},
        {"nodes": [node(1, "system"), node(2, "system")], "relationships": [
            {"unique-id": "c1", "relationship-type": {"composed-of": {"container": "n1", "nodes": ["n2"]}}},
            {"unique-id": "c2", "relationship-type": {"composed-of": {"container": "n2", "nodes": ["n1"]}}},
            {"unique-id": "d1", "relationship-type": {"deployed-in": {"container": "n1", "nodes": ["n1"]}}}]},
        {"nodes": [node(i) for i in range(2000)], "relationships": [conn(i, f"n{i}", f"n{(i * 7 + 1) % 2000}") for i in range(4000)]},
        {"nodes": [node(1)], "flows": [{"unique-id": "f", "name": "f", "description": "f", "transitions": [{"relationship-unique-id": "nope", "sequence-number": -1}] * 50}]},
        {"nodes": [dict(node(1), metadata=[{"password": "x" * 10000}, None, 5])], "controls": {"c": {"requirements": [{"requirement-url": "../../../../etc/passwd"}, {"requirement-url": "file:///etc/shadow"}]}}},
    ]
    return docs


async def hostile(exe, work):
    project = os.path.join(work, "project")
    params = StdioServerParameters(command=exe, args=["mcp"], cwd=project)
    results = []
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            await s.initialize()
            for d in hostile_documents():
                for tool in ["validate", "review", "simulate"]:
                    args = {"document": d}
                    if tool == "simulate":
                        args["fail"] = ["n1"]
                    r = await call(s, tool, args)
                    results.append({"tool": tool, "isError": r["isError"], "text": " ".join(r["text"])[:300]})
            alive = len((await s.list_tools()).tools) > 0
    return {"hostile": results, "alive_after_hostile": alive}


async def main():
    exe, work = sys.argv[1], sys.argv[2]
    out = await without_client_roots(exe, work)
    out.update(await with_client_roots(exe, work))
    out.update(await hostile(exe, work))
    print(json.dumps(out))


asyncio.run(main())
