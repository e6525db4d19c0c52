"""`qa mcp`: an MCP server over stdio (the official SDK) that gives an assistant qa's cited answers.

Three tools: `ask` (the JSON of `qa ask --json`), `open_article` (an article's passages around a
cited span, with lines) and `list_sources`. Their descriptions ask the assistant to quote and cite
rather than restate: every word qa returns comes from an article.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from qa.errors import QAError
from qa.service import Service

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
    "(YYYY-MM-DD, YYYY-MM or YYYY)."
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


def create_server(service: Service) -> MCPServer:
    server = MCPServer("qa", instructions=INSTRUCTIONS, log_level="WARNING")

    def answered(call, *arguments) -> Any:
        try:
            return call(*arguments)
        except QAError as error:
            raise ToolError(str(error)) from None

    @server.tool(description=ASK)
    def ask(
        question: Annotated[str, Field(description="The question, in plain words.")],
        k: Annotated[int, Field(ge=1, le=100, description="Passages to return.")] = 5,
        source: Annotated[str | None, Field(description="Only articles whose outlet, title or path has this.")] = None,
        since: Annotated[str | None, Field(description="Only articles dated on or after this date.")] = None,
        until: Annotated[str | None, Field(description="Only articles dated on or before this date.")] = None,
    ) -> dict[str, Any]:
        return answered(service.ask, question, k, "hybrid", source, since, until).answer

    @server.tool(description=OPEN_ARTICLE)
    def open_article(
        article: Annotated[str, Field(description="A result's `article` (file name) or `path`.")],
        chars: Annotated[int | None, Field(description="A character offset in it: a result's chars[0].")] = None,
        record: Annotated[int | None, Field(ge=0, description="A result's `record`, in a file of records.")] = None,
    ) -> dict[str, Any]:
        return answered(service.open_article, article, chars, record)

    @server.tool(description=LIST_SOURCES)
    def list_sources() -> list[dict[str, Any]]:
        return answered(service.sources)

    return server


def serve(service: Service) -> None:
    """Answer MCP requests on stdin/stdout until the client closes them."""
    service.warm_up()
    create_server(service).run("stdio")
