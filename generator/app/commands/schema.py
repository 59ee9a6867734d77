"""``kh schema``: print the JSON Schema of plans or organisation profiles."""

from __future__ import annotations

import click

from .common import CONTEXT


@click.command(context_settings=CONTEXT)
@click.option("--org", "what", flag_value="org", help="Schema của hồ sơ tổ chức (organisation profile).")
@click.option("--plan", "what", flag_value="plan", default=True, help="Schema của tệp kế hoạch (mặc định).")
def schema(what: str) -> None:
    """In JSON Schema để VS Code gợi ý và giải thích khi gõ (print the JSON Schema)."""
    from ...model.schema import schema_json

    click.echo(schema_json(what), nl=False)
