"""The commands: each module runs the stages in order for one `glossary` command
(`build`, `check`); the stages never import them. Import the command's module itself:
`from glossary_site.commands.build import build`.
"""
