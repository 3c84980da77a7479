"""The `grade` command, a module per group of commands. `main` holds the entry point and gathers
the commands; this file imports none of them, as each imports `grader.cli.app` (and so this
package) and an import here would make every one a cycle."""
