"""A real MCP client (the official Python `mcp` package) driving `calm-advisor mcp` over stdio.

Usage: python3 mcp_client.py CALM_ADVISOR_EXE ARCHITECTURE.json
Prints one JSON object: server info, the tool list with schemas, and the results of a few calls.
"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def attr(obj, camel, snake):
    """Field names differ between `mcp` releases (camelCase before 2.x, snake_case after)."""
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


def result(r):
    return {
        "isError": bool(attr(r, "isError", "is_error")),
        "structured": attr(r, "structuredContent", "structured_content"),
        "text": [c.text for c in r.content if getattr(c, "type", "") == "text"],
    }


async def main():
    exe, path = sys.argv[1], sys.argv[2]
    # The fixture lives outside the test's working directory: allow its directory explicitly.
    import os
    params = StdioServerParameters(command=exe, args=["mcp", "--root", os.path.dirname(path)])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            with open(path) as f:
                inline = json.load(f)
            out = {
                "server": attr(init, "serverInfo", "server_info").name,
                "protocolVersion": str(attr(init, "protocolVersion", "protocol_version")),
                "tools": [
                    {
                        "name": t.name,
                        "description": t.description,
                        "inputSchema": attr(t, "inputSchema", "input_schema"),
                        "outputSchema": attr(t, "outputSchema", "output_schema"),
                    }
                    for t in tools.tools
                ],
                "review": result(await session.call_tool("review", {"path": path})),
                "review_top": result(await session.call_tool("review", {"document": inline, "categories": ["resilience"], "top": 3})),
                "validate": result(await session.call_tool("validate", {"document": json.dumps(inline)})),
                "plan_fix": result(await session.call_tool("plan_fix", {"path": path, "fix": {"recipe": "add-load-balancer", "target": "api-gateway"}})),
                "simulate": result(await session.call_tool("simulate", {"path": path, "fail": ["order-database"]})),
                "triage": result(await session.call_tool("triage", {"path": path, "failing": ["order-service", "web-frontend"]})),
                "explain_rule": result(await session.call_tool("explain", {"target": "single-ingress-path"})),
                "explain_node": result(await session.call_tool("explain", {"path": path, "target": "api-gateway"})),
                "report_ops": result(await session.call_tool("report", {"ops": {"path": path}})),
                "missing": result(await session.call_tool("review", {"path": path + ".missing"})),
            }
            print(json.dumps(out))


asyncio.run(main())
