"""`calm-advisor lsp` driven over stdio by a real LSP client (pytest-lsp, on pygls/lsprotocol).

Run by `crates/calm-advisor/tests/lsp_pytest.rs`, which sets:
  CALM_ADVISOR_BIN  the server binary (`calm-advisor`, started as `calm-advisor lsp`)
  CALM_DAY13        the Day 13 tutorial file (copied, never written)
  XDG_CACHE_HOME    a temporary cache folder (the server writes its rule pages there)

The flow is the issue's acceptance: open -> diagnostics (validation and findings, on the right
lines) -> quick fix applied -> diagnostics updated (the gateway finding gone) -> rename ->
definition -> references -> completion -> broken JSON -> fixed again -> shutdown. What the
editor is shown is compared with what the CLI (`validate`, `review`, `fix`) says on the same
text.
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Union

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, LspSpecificationWarning
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

BIN = os.environ.get("CALM_ADVISOR_BIN", "calm-advisor")
DAY13 = pathlib.Path(
    os.environ.get(
        "CALM_DAY13",
        pathlib.Path(__file__).parents[5] / "shared/fixtures/ecommerce-platform.day13.json",
    )
)
if "XDG_CACHE_HOME" not in os.environ:
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="calm-lsp-cache-")
CACHE = pathlib.Path(os.environ["XDG_CACHE_HOME"])

GATEWAY = "single-ingress-path@api-gateway"
RENAMED = "orders-svc"  # a name the file does not use yet
TIMEOUT = 60.0

pytestmark = [
    pytest.mark.asyncio(loop_scope="function"),
    # A result the client did not declare support for is a test failure, not a warning.
    pytest.mark.filterwarnings("error", category=LspSpecificationWarning),
]


# ---- the client ---------------------------------------------------------------------------


def record_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams):
    """Keep every publication with its version (the default handler keeps only the latest)."""
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)


def apply_edit_request(client: LanguageClient, params: types.ApplyWorkspaceEditParams):
    """`workspace/applyEdit` from the server (the suppress command): recorded, reported applied."""
    client.applied_edits.append(params)
    return types.ApplyWorkspaceEditResult(applied=True)


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    converter = client.protocol._converter

    def command_or_code_action(obj, _type):
        """lsprotocol (2025.0.0) reads any code action result with a `command` member as a
        Command, so a CodeAction that runs a command (suppress, explain) would lose its kind and
        diagnostics. A Command's `command` is a string; a CodeAction's is an object."""
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], command_or_code_action)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record_diagnostics
    features[types.WORKSPACE_APPLY_EDIT] = apply_edit_request
    register_lsp_features(client, features)
    client.published = []
    client.applied_edits = []
    return client


def server_config() -> ClientServerConfig:
    return ClientServerConfig(
        server_command=[BIN, "lsp"],
        client_factory=make_client,
        server_env=dict(os.environ, XDG_CACHE_HOME=str(CACHE)),
    )


def capabilities(encodings: list[str]) -> types.ClientCapabilities:
    """What a current editor declares for the features this test uses."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings),
        workspace=types.WorkspaceClientCapabilities(
            apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            configuration=True,
            workspace_folders=True,
            execute_command=types.ExecuteCommandClientCapabilities(),
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                related_information=True,
                version_support=True,
                code_description_support=True,
                data_support=True,
            ),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[
                            types.CodeActionKind.QuickFix,
                            types.CodeActionKind.Refactor,
                            types.CodeActionKind.Source,
                        ]
                    )
                ),
                data_support=True,
                is_preferred_support=True,
            ),
            rename=types.RenameClientCapabilities(prepare_support=True),
            definition=types.DefinitionClientCapabilities(),
            references=types.ReferenceClientCapabilities(),
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(
                    snippet_support=False,
                    insert_replace_support=False,
                ),
            ),
            hover=types.HoverClientCapabilities(
                content_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]
            ),
        ),
    )


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient):
    """A started server; the test itself initializes it (to check the negotiation) and shuts
    it down (to check the exit). A test that failed half-way leaves a running server: it is
    shut down, or killed if it does not answer (pytest-lsp then waits for its exit)."""
    yield
    server = lsp_client._server
    if server is None or server.returncode is not None:
        return
    try:
        if lsp_client.capabilities is not None and lsp_client.error is None:
            await asyncio.wait_for(lsp_client.shutdown_session(), 20)
    except Exception as e:  # the test's own failure is what matters
        print(f"shutdown after a failed test: {e!r}", file=sys.stderr)
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()


async def initialize(client: LanguageClient, folder: pathlib.Path, encodings: list[str]):
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings),
            root_uri=folder.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)],
            client_info=types.ClientInfo(name="pytest-lsp", version=pytest_lsp.__version__),
        )
    )


# ---- text and positions -------------------------------------------------------------------


def unit_len(s: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(s.encode("utf-8"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le")) // 2
    return len(s)


def offset_of(text: str, pos: types.Position, encoding: str) -> int:
    """The string index of an LSP position in `text`, in the negotiated units."""
    lines = text.split("\n")
    assert pos.line <= len(lines), f"{pos} is past the end"
    start = sum(len(l) + 1 for l in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            assert units == pos.character, f"{pos} splits a character"
            return start + i
        units += unit_len(ch, encoding)
    assert units >= pos.character, f"{pos} is past the end of its line"
    return start + len(line)


def position_of(text: str, index: int, encoding: str) -> types.Position:
    before = text[:index]
    line = before.count("\n")
    col = before[before.rfind("\n") + 1 :]
    return types.Position(line=line, character=unit_len(col, encoding))


def apply_edits(text: str, edits, encoding: str) -> str:
    """Apply LSP text edits (all relative to `text`), as an editor does."""
    spans = [
        (offset_of(text, e.range.start, encoding), offset_of(text, e.range.end, encoding), e.new_text)
        for e in edits
    ]
    spans.sort(key=lambda s: (s[0], s[1]), reverse=True)
    for i in range(1, len(spans)):
        assert spans[i][1] <= spans[i - 1][0], f"overlapping edits: {spans[i]} / {spans[i - 1]}"
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def text_in(text: str, rng: types.Range, encoding: str) -> str:
    return text[offset_of(text, rng.start, encoding) : offset_of(text, rng.end, encoding)]


def line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[: text.index(needle)].count("\n")


def edits_for(edit: types.WorkspaceEdit, uri: str):
    """The text edits of a workspace edit for one document (`changes` or `documentChanges`)."""
    if edit.changes:
        assert set(edit.changes) == {uri}, f"edits outside the document: {set(edit.changes)}"
        return edit.changes[uri]
    out = []
    for dc in edit.document_changes or []:
        assert isinstance(dc, types.TextDocumentEdit), dc
        assert dc.text_document.uri == uri
        out.extend(dc.edits)
    return out


# ---- documents ----------------------------------------------------------------------------


class Doc:
    """An open buffer: the client's text and version, kept in step with the server."""

    def __init__(self, client: LanguageClient, path: pathlib.Path, encoding: str):
        self.client = client
        self.path = path
        self.uri = path.as_uri()
        self.encoding = encoding
        self.version = 1
        self.text = path.read_text(encoding="utf-8")

    def open(self):
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri, language_id="json", version=self.version, text=self.text
                )
            )
        )

    def replace(self, start: int, end: int, new: str):
        """An incremental change, as an editor sends one keystroke or paste."""
        rng = types.Range(
            start=position_of(self.text, start, self.encoding),
            end=position_of(self.text, end, self.encoding),
        )
        self.text = self.text[:start] + new + self.text[end:]
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new)],
            )
        )

    def apply(self, edits):
        """Apply the server's edits to the buffer and tell the server, in one change per edit
        (last first, so each range is still valid), as editors do."""
        expected = apply_edits(self.text, edits, self.encoding)
        spans = sorted(
            (
                (offset_of(self.text, e.range.start, self.encoding), offset_of(self.text, e.range.end, self.encoding), e.new_text)
                for e in edits
            ),
            reverse=True,
        )
        for start, end, new in spans:
            self.replace(start, end, new)
        assert self.text == expected

    def set_text(self, new: str):
        """A full-text change."""
        self.text = new
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)],
            )
        )

    async def diagnostics(self) -> list[types.Diagnostic]:
        """The diagnostics published for the buffer's current version."""
        deadline = asyncio.get_running_loop().time() + TIMEOUT
        while True:
            for p in self.client.published:
                if p.uri == self.uri and p.version == self.version:
                    return list(p.diagnostics)
            if asyncio.get_running_loop().time() > deadline:
                seen = [(p.uri, p.version) for p in self.client.published]
                raise AssertionError(f"no diagnostics for {self.uri} v{self.version}; seen {seen}")
            await asyncio.sleep(0.02)

    def at(self, needle: str, delta: int = 0) -> types.Position:
        assert needle in self.text, needle
        return position_of(self.text, self.text.index(needle) + delta, self.encoding)

    def doc_id(self):
        return types.TextDocumentIdentifier(uri=self.uri)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN, *args], capture_output=True, text=True, timeout=120, env=dict(os.environ, XDG_CACHE_HOME=str(CACHE))
    )


def cli_review(path: pathlib.Path) -> list[dict]:
    r = cli("review", str(path), "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)["findings"]


def cli_validate(path: pathlib.Path) -> list[dict]:
    r = cli("validate", "-a", str(path), "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)["jsonSchemaValidationOutputs"]


def finding(diags, finding_id: str):
    found = [d for d in diags if isinstance(d.data, dict) and d.data.get("finding") == finding_id]
    assert len(found) <= 1, found
    return found[0] if found else None


SEVERITY = {
    "critical": types.DiagnosticSeverity.Warning,
    "high": types.DiagnosticSeverity.Warning,
    "medium": types.DiagnosticSeverity.Information,
    "low": types.DiagnosticSeverity.Hint,
    "info": types.DiagnosticSeverity.Hint,
}
ELEMENT = re.compile(r"^/(nodes|relationships|flows)/\d+$")


def check_review_diagnostics(doc: Doc, diags, cli_findings):
    """Every open finding of `review` is one diagnostic, at its element's unique-id value."""
    review = [d for d in diags if d.source == "calm-advisor review"]
    assert sorted(d.data["finding"] for d in review) == sorted(
        f["id"] for f in cli_findings if not f.get("suppression")
    )
    for f in cli_findings:
        d = finding(review, f["id"])
        assert d.code == f["rule"], d
        assert d.data == {"finding": f["id"]}, d
        assert d.severity == SEVERITY[f["severity"]], (f["id"], f["severity"], d.severity)
        assert d.message.startswith(f"[{f['severity']}] "), d.message
        loc = f["locations"][0] if f["locations"] else None
        if loc and ELEMENT.match(loc["jsonPointer"]) and loc.get("uniqueId"):
            uid = loc["uniqueId"]
            assert d.range.start.line == line_of(doc.text, f'"unique-id": "{uid}"'), (f["id"], d.range)
            assert text_in(doc.text, d.range, doc.encoding).strip('"') == uid, (f["id"], d.range)
        elif loc and loc["jsonPointer"] == "":
            # About the whole architecture: on the document's first character.
            assert d.range.start == types.Position(line=0, character=0), (f["id"], d.range)


def check_validation_diagnostics(doc: Doc, diags, cli_outputs):
    """`validate`'s outputs, each on the line the CLI reports (the CLI counts from 1)."""
    got = sorted(
        (d.code, d.range.start.line) for d in diags if d.source == "calm-advisor validate"
    )
    want = sorted((o["code"], o["line_start"] - 1) for o in cli_outputs)
    assert got == want
    severity = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
    for o in cli_outputs:
        d = next(
            d
            for d in diags
            if d.source == "calm-advisor validate" and d.code == o["code"] and d.range.start.line == o["line_start"] - 1
        )
        assert d.severity == severity[o["severity"]], (o, d)


def node_ids(text: str) -> list[str]:
    return [n["unique-id"] for n in json.loads(text)["nodes"]]


def destination(text: str, node: str) -> int:
    """The index of `node` in the first connects destination `"node": "NODE"`."""
    m = re.search(r'"destination": \{\s*"node": "(' + re.escape(node) + ')"', text)
    assert m, f"no connects destination names {node}"
    return m.start(1)


def occurrences(text: str, value: str) -> list[int]:
    """String indices of every JSON string exactly equal to `value` (quotes included)."""
    q = json.dumps(value)
    return [m.start() for m in re.finditer(re.escape(q), text)]


# ---- the tests ----------------------------------------------------------------------------


async def test_tutorial_file_end_to_end(client: LanguageClient, tmp_path: pathlib.Path):
    work = tmp_path / "work"
    work.mkdir()
    path = work / "ecommerce-platform.json"
    shutil.copyfile(DAY13, path)
    original = path.read_bytes()

    # -- initialize: UTF-8 positions when offered.
    result = await initialize(client, work, ["utf-8", "utf-16"])
    assert result.server_info.name == "calm-advisor"
    encoding = result.capabilities.position_encoding
    assert encoding == types.PositionEncodingKind.Utf8, encoding
    caps = result.capabilities
    assert caps.rename_provider and caps.definition_provider and caps.references_provider
    assert caps.completion_provider is not None and caps.code_action_provider

    # -- open -> diagnostics, validation and findings on the right lines.
    doc = Doc(client, path, "utf-8")
    doc.open()
    diags = await doc.diagnostics()
    check_validation_diagnostics(doc, diags, cli_validate(path))
    assert any(d.source == "calm-advisor validate" for d in diags)
    check_review_diagnostics(doc, diags, cli_review(path))

    gateway = finding(diags, GATEWAY)
    assert gateway is not None, [d.data for d in diags]
    assert gateway.code == "single-ingress-path"
    assert gateway.severity == types.DiagnosticSeverity.Warning
    assert gateway.range.start.line == line_of(doc.text, '"unique-id": "api-gateway"')
    assert gateway.range.start.line == gateway.range.end.line
    assert text_in(doc.text, gateway.range, encoding).strip('"') == "api-gateway"
    # The rule's page is written to the cache folder the server was given.
    assert gateway.code_description is not None
    page = pathlib.Path(gateway.code_description.href.removeprefix("file://"))
    assert page.is_file() and CACHE in page.parents, page
    medium = [d for d in diags if d.source == "calm-advisor review" and d.message.startswith("[medium]")]
    low = [d for d in diags if d.source == "calm-advisor review" and d.message.startswith("[low]")]
    assert medium and all(d.severity == types.DiagnosticSeverity.Information for d in medium)
    assert low and all(d.severity == types.DiagnosticSeverity.Hint for d in low)

    # -- code actions on the gateway diagnostic: fix, suppress, explain.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.doc_id(),
            range=gateway.range,
            context=types.CodeActionContext(diagnostics=[gateway]),
        )
    )
    assert actions, "no code actions on the gateway finding"
    titles = [a.title for a in actions]
    # Other findings on the gateway's id (its missing authentication) get their actions too:
    # the gateway finding's fix is the one attached to its diagnostic.
    fixes = [
        a
        for a in actions
        if isinstance(a, types.CodeAction)
        and a.title.startswith("Fix:")
        and a.diagnostics
        and a.diagnostics[0].data["finding"] == GATEWAY
    ]
    assert len(fixes) == 1, titles
    fix = fixes[0]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.edit is not None and fix.command is None
    # The first action offered is the fix of the finding asked about (the most severe first).
    assert actions[0] == fix, titles
    suppress = next(a for a in actions if a.title.startswith("Suppress this") and "single-ingress-path" in a.title)
    assert suppress.command.command == "calm-advisor.suppress"
    assert list(suppress.command.arguments) == [doc.uri, GATEWAY]
    explain = next(a for a in actions if a.title.startswith("Explain") and GATEWAY in a.title)
    assert explain.command.command == "calm-advisor.explain"
    assert list(explain.command.arguments) == [doc.uri, GATEWAY]
    assert suppress.kind.startswith("quickfix") and explain.kind.startswith("quickfix")

    # Explain answers with the finding's explanation.
    text = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=explain.command.command, arguments=explain.command.arguments)
    )
    assert isinstance(text, str) and "api-gateway" in text, text

    # Suppress asks the editor to apply an edit (recorded here, not applied): it records the
    # finding as accepted with the justification.
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command=suppress.command.command,
            arguments=[doc.uri, GATEWAY, "the gateway is managed by the platform team"],
        )
    )
    for _ in range(int(TIMEOUT / 0.02)):
        if client.applied_edits:
            break
        await asyncio.sleep(0.02)
    assert len(client.applied_edits) == 1, "the suppress command sent no workspace/applyEdit"
    suppressed = apply_edits(doc.text, edits_for(client.applied_edits[0].edit, doc.uri), encoding)
    node = next(n for n in json.loads(suppressed)["nodes"] if n["unique-id"] == "api-gateway")
    assert node["metadata"]["calm-advisor"]["suppress"] == [
        {"id": GATEWAY, "status": "accepted", "justification": "the gateway is managed by the platform team"}
    ]
    # `review` reads that suppression.
    scratch = tmp_path / "suppressed.json"
    scratch.write_text(suppressed, encoding="utf-8")
    assert next(f for f in cli_review(scratch) if f["id"] == GATEWAY).get("suppression")

    # -- the quick fix, applied: the buffer is exactly what `calm-advisor fix` writes.
    other = tmp_path / "cli" / "ecommerce-platform.json"
    other.parent.mkdir()
    shutil.copyfile(DAY13, other)
    r = cli("fix", str(other), "--finding", GATEWAY)
    assert r.returncode == 0, r.stderr
    expected = other.read_text(encoding="utf-8")
    assert expected != doc.text
    doc.apply(edits_for(fix.edit, doc.uri))
    assert doc.text == expected

    # -- diagnostics updated: the gateway finding is gone, and the rest matches review.
    diags = await doc.diagnostics()
    assert finding(diags, GATEWAY) is None
    other_review = cli_review(other)
    assert GATEWAY not in [f["id"] for f in other_review]
    check_review_diagnostics(doc, diags, other_review)
    fixed_text = doc.text

    # -- rename a node through a reference: every occurrence follows (the `fix rename` recipe).
    at = destination(doc.text, "order-service")
    pos = position_of(doc.text, at + 3, encoding)
    prep = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc.doc_id(), position=pos)
    )
    assert prep is not None and prep.placeholder == "order-service", prep
    assert text_in(doc.text, prep.range, encoding) == "order-service"
    before = occurrences(doc.text, "order-service")
    assert len(before) >= 3
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=doc.doc_id(), position=pos, new_name=RENAMED)
    )
    assert edit is not None
    renamed = tmp_path / "cli" / "renamed.json"
    renamed.write_text(doc.text, encoding="utf-8")
    r = cli("fix", str(renamed), "rename", "order-service", RENAMED)
    assert r.returncode == 0, r.stderr
    doc.apply(edits_for(edit, doc.uri))
    assert doc.text == renamed.read_text(encoding="utf-8")
    assert occurrences(doc.text, "order-service") == []
    after = occurrences(doc.text, RENAMED)
    assert len(after) == len(before)
    diags = await doc.diagnostics()
    assert not any(d.severity == types.DiagnosticSeverity.Error for d in diags), diags

    # -- definition of the reference: the node's unique-id.
    pos = position_of(doc.text, destination(doc.text, RENAMED) + 2, encoding)
    defn = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc.doc_id(), position=pos)
    )
    locs = defn if isinstance(defn, list) else [defn]
    assert len(locs) == 1 and locs[0] is not None, defn
    loc = locs[0]
    assert loc.uri == doc.uri
    assert loc.range.start.line == line_of(doc.text, f'"unique-id": "{RENAMED}"')
    assert text_in(doc.text, loc.range, encoding).strip('"') == RENAMED

    # -- references, with and without the declaration: every occurrence of the id.
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc.doc_id(),
            position=pos,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert all(r.uri == doc.uri for r in refs)
    got = sorted(offset_of(doc.text, r.range.start, encoding) for r in refs)
    for r in refs:
        assert text_in(doc.text, r.range, encoding).strip('"') == RENAMED, r
    # Ranges may or may not include the quotes: compare at the string's first character.
    got = sorted(g if doc.text[g] == '"' else g - 1 for g in got)
    assert got == after
    refs_only = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc.doc_id(),
            position=pos,
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert len(refs_only) == len(refs) - 1
    assert loc.range not in [r.range for r in refs_only]

    # -- completion inside a connects destination's "node": "..." value: the node ids.
    # Type the value anew: clear it, then ask for completions between the quotes.
    start = destination(doc.text, RENAMED)
    doc.replace(start, start + len(RENAMED), "")
    assert re.search(r'"destination": \{\s*"node": ""', doc.text)
    await doc.diagnostics()
    pos = position_of(doc.text, start, encoding)
    comp = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc.doc_id(), position=pos)
    )
    items = comp.items if isinstance(comp, types.CompletionList) else comp
    labels = [i.label for i in items]
    assert sorted(labels) == sorted(node_ids(doc.text)), labels
    pick = next(i for i in items if i.label == RENAMED)
    assert pick.text_edit is not None
    doc.apply([pick.text_edit])
    assert doc.text == renamed.read_text(encoding="utf-8")
    good = await doc.diagnostics()

    # -- broken JSON: one diagnostic, json-parse, on the error's line.
    at = doc.text.index('"nodes": [') + len('"nodes": [')
    doc.replace(at, at, " ,")
    diags = await doc.diagnostics()
    assert len(diags) == 1, diags
    assert diags[0].code == "json-parse"
    assert diags[0].severity == types.DiagnosticSeverity.Error
    assert diags[0].range.start.line == line_of(doc.text, '"nodes": [ ,')
    # Requests on a broken buffer answer (nothing) instead of failing.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.doc_id(),
            range=diags[0].range,
            context=types.CodeActionContext(diagnostics=diags),
        )
    )
    assert not actions

    # -- fixed again: the full diagnostics come back, the same as before the break.
    doc.replace(at, at + 2, "")
    diags = await doc.diagnostics()
    assert len(diags) > 1
    assert [(d.source, d.code, d.range, d.message) for d in diags] == [
        (d.source, d.code, d.range, d.message) for d in good
    ]
    assert doc.text == renamed.read_text(encoding="utf-8")

    # -- shutdown and exit: the process ends cleanly.
    await client.shutdown_session()
    assert client._server.returncode == 0, client._server.returncode

    # The server never wrote the files it was editing.
    assert path.read_bytes() == original
    assert fixed_text != original.decode("utf-8")


@pytest.mark.parametrize(
    "offered, expected",
    [(["utf-16"], "utf-16"), ([], "utf-16"), (["utf-32", "utf-8"], "utf-8"), (["utf-16", "utf-8"], "utf-8")],
    ids=["utf-16-only", "nothing-offered", "utf-32-and-utf-8", "utf-16-and-utf-8"],
)
async def test_position_encoding(client: LanguageClient, tmp_path: pathlib.Path, offered, expected):
    """UTF-8 when the client offers it, else UTF-16 (the protocol's default); ranges in those
    units on a line with characters outside ASCII and the BMP."""
    path = tmp_path / "arch.json"
    # Characters outside ASCII and the BMP before the gateway's id on its line: UTF-8, UTF-16
    # and UTF-32 columns all differ there.
    text = DAY13.read_text(encoding="utf-8")
    text = text.replace('"unique-id": "api-gateway",', '"x-note": "\U0001F600\u00e9", "unique-id": "api-gateway",', 1)
    path.write_text(text, encoding="utf-8")
    result = await initialize(client, tmp_path, offered)
    assert result.capabilities.position_encoding == expected
    doc = Doc(client, path, expected)
    doc.open()
    diags = await doc.diagnostics()
    gateway = finding(diags, GATEWAY)
    assert gateway is not None
    assert gateway.range.start.line == line_of(doc.text, '"unique-id": "api-gateway"')
    prefix = doc.text[: doc.text.index('"unique-id": "api-gateway"')]
    prefix = prefix[prefix.rfind("\n") + 1 :]
    assert gateway.range.start.character >= unit_len(prefix, expected)
    assert text_in(doc.text, gateway.range, expected).strip('"') == "api-gateway", gateway.range
    await client.shutdown_session()
    assert client._server.returncode == 0
