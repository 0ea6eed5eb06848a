"""The use cases: one function per command, taking typed values and returning a result.

A command in `cli/` parses its options, calls exactly one function here (or one
core function that is already a whole use case), hands the result to a renderer
and lets `cli.app` map errors to exit codes. Nothing here imports typer, rich or
`render/`; everything here can be called as a library. `ranking.ranking_view` is
shared by `rank` and `report`, so both rank, compare and measure stability the
same way.
"""
