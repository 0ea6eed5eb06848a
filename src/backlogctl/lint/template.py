"""Rules on the lab's template as a whole: the committed schema file and templates/item.yaml."""

from __future__ import annotations

from collections.abc import Iterator

from backlogctl.backlog import Entry
from backlogctl.lint.context import Context
from backlogctl.lint.problem import Finding, rule


@rule(
    "schema-file",
    "warning",
    """Editors check items against the committed item.schema.json; once backlog.yaml
    declares other fields, scales or statuses, the editor and lint disagree.""",
)
def schema_file(ctx: Context) -> Iterator[Finding]:
    """The committed item.schema.json is the schema of the current configuration."""
    from backlogctl import schema

    reason = schema.stale(ctx.backlog.dir)
    if reason is not None:
        yield Finding(Entry(ctx.backlog.root / schema.SCHEMA_FILE, None), reason, line=1)


@rule(
    "template-field",
    "warning",
    """`new` fills in declared fields the lab's templates/item.yaml lacks, but
    without the comment that tells people what to write; keep the template whole.""",
)
def template_field(ctx: Context) -> Iterator[Finding]:
    """The lab's own templates/item.yaml has every field backlog.yaml declares."""
    from backlogctl import authoring

    path = ctx.backlog.root / "templates" / "item.yaml"
    if not (ctx.config.fields or ctx.config.scales) or not path.is_file():
        return
    lacking = authoring.lacking_fields(ctx.backlog.dir)
    if lacking:
        yield Finding(
            Entry(path, None),
            f"templates/item.yaml lacks the declared field(s) {', '.join(lacking)}; add them with a comment",
            line=1,
        )
