"""`qa mcp`: an MCP server over stdio (the official SDK) that gives an assistant qa's cited answers.

Three tools: `ask` (the JSON of `qa ask --json`), `open_article` (an article's passages around a
cited span, with lines) and `list_sources`. Their descriptions ask the assistant to quote and cite
rather than restate: every word qa returns comes from an article. As in the HTTP API, an argument a
tool does not take, or a value not of its type, is refused, and a result's text is its JSON with every
control character escaped.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata
from mcp.types import CallToolResult, TextContent
from pydantic import ConfigDict, Field

from qa.errors import QAError
from qa.service import Service
from qa.text import json_text

INSTRUCTIONS = (
    "These tools search a collection of news articles and return passages quoted from them, each with a "
    "citation (title, outlet, date, path and lines). Answer from the returned text only: quote it, cite each "
    "claim as [title, outlet, date, path:lines], and when sources give different figures, say so and cite each. "
    "When `confident` is false, the archive does not answer the question: say that instead of guessing."
)

ASK = (
    "Find the passages of the indexed news articles that best answer a question. Returns JSON: `confident` "
    "(false when nothing answers well) and `results`, each with `text` (the passage, verbatim), `answer` (its "
    "answering sentence), `title`, `outlet`, `date`, `path`, `lines` and `chars`. Quote `answer` or `text` "
    "word for word and cite every claim with title, outlet, date and path:lines; never state a figure, name "
    "or date the results do not give. Filters: `source` (outlet, title or path contains it), `since`/`until` "
    "(YYYY-MM-DD, YYYY-MM or YYYY). A question too long to search whole is cut, and a second text says so."
)

OPEN_ARTICLE = (
    "Read an indexed article around a cited passage, to check a quote in its context. `article` is a result's "
    "`article` (file name) or `path`, with its `record` when it has one; `chars` is a character offset in it "
    "(a result's `chars[0]`), else the article opens at its start. Returns the passages around it with their `lines`; the one holding the "
    "offset has `at: true`. Quote and cite as for `ask`."
)

LIST_SOURCES = (
    "List the indexed articles: path, title, outlet, author and date where known, and passage counts. Use it "
    "to see what the archive covers before asking, or to choose a `source` filter."
)


class LiteralArguments(FuncMetadata):
    """A tool's arguments taken as sent: the SDK reads a string sent for an optional argument as JSON first, so
    "null" was no filter at all, where the HTTP API filters by the text "null"."""

    def pre_parse_json(self, data: dict[str, Any]) -> dict[str, Any]:
        return dict(data)


def strict_tool(function, description: str) -> Tool:
    """function as a tool that refuses an argument it does not take and a value not of its type ("3" or true for
    a number), as the HTTP API's request models do (extra="forbid", strict=True on the SDK's model of its
    arguments, whose schema then says additionalProperties: false)."""
    tool = Tool.from_function(function, description=description)
    metadata = tool.fn_metadata

    class Arguments(metadata.arg_model):
        model_config = ConfigDict(extra="forbid", strict=True, title=metadata.arg_model.__name__)

    tool.fn_metadata = LiteralArguments(**{**dict(metadata), "arg_model": Arguments})
    tool.parameters = Arguments.model_json_schema(by_alias=True)
    return tool


def tool_result(value: Any, notice: str | None = None) -> CallToolResult:
    """value as a tool's result: as structured content (a list under `result`), and as text the JSON the HTTP API
    and `qa ... --json` write, every control character escaped; then the notice, if any, as a second text."""
    texts = [json_text(value), *([notice] if notice else [])]
    return CallToolResult(
        content=[TextContent(type="text", text=text) for text in texts],
        structured_content=value if isinstance(value, dict) else {"result": value},
    )


def create_server(service: Service) -> MCPServer:
    def answered(call, *arguments) -> Any:
        try:
            return call(*arguments)
        except QAError as error:
            raise ToolError(str(error)) from None

    def ask(
        question: Annotated[str, Field(description="The question, in plain words.")],
        k: Annotated[int, Field(ge=1, le=100, description="Passages to return.")] = 5,
        source: Annotated[str | None, Field(description="Only articles whose outlet, title or path has this.")] = None,
        since: Annotated[str | None, Field(description="Only articles dated on or after this date.")] = None,
        until: Annotated[str | None, Field(description="Only articles dated on or before this date.")] = None,
    ) -> Annotated[CallToolResult, dict[str, Any]]:
        reply = answered(service.ask, question, k, "hybrid", source, since, until)
        return tool_result(reply.answer, reply.notice)

    def open_article(
        article: Annotated[str, Field(description="A result's `article` (file name) or `path`.")],
        chars: Annotated[int | None, Field(description="A character offset in it: a result's chars[0].")] = None,
        record: Annotated[int | None, Field(ge=0, description="A result's `record`, in a file of records.")] = None,
    ) -> Annotated[CallToolResult, dict[str, Any]]:
        return tool_result(answered(service.open_article, article, chars, record))

    def list_sources() -> Annotated[CallToolResult, list[dict[str, Any]]]:
        return tool_result(answered(service.sources))

    tools = [strict_tool(ask, ASK), strict_tool(open_article, OPEN_ARTICLE), strict_tool(list_sources, LIST_SOURCES)]
    return MCPServer("qa", instructions=INSTRUCTIONS, log_level="WARNING", tools=tools)


def serve(service: Service) -> None:
    """Answer MCP requests on stdin/stdout until the client closes them."""
    service.warm_up()
    create_server(service).run("stdio")
