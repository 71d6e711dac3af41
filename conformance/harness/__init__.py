"""The golden conformance harness shared by every suite (validation, programs, errors, supervision, ...).

A suite is a folder with a `suite.toml`; each of its subfolders is a case:

    conformance/<suite>/<case>/
        project/     the project tree the case runs on (absent for cases about missing paths)
        case.toml    optional: arguments, environment, setup steps for trees git cannot hold
        expected     the golden result: exit status, stdout, stderr (plain text, reviewed in diffs)

Cases run in a fresh temporary copy, so setup steps (chmod, symlink loops, 20 MB files) never touch
the repository. `--update-golden` rewrites `expected` files from the suite's golden source.
"""
