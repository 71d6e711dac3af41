# Sourced by bin/pyvm and bin/nox: find CPython 3.12 and keep .venv in step with pyproject.toml.
# PyVM's syntax rule is "what CPython 3.12's compiler accepts", so 3.12 exactly is required.
# Search order: $PYVM_PYTHON, python3.12 on PATH, pyenv's versions, python3 if it is 3.12.

pyvm_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

pyvm_is_python312() {
    [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1
}

pyvm_find_python312() {
    local candidate
    for candidate in "${PYVM_PYTHON:-}" "$(command -v python3.12 2>/dev/null)"; do
        if pyvm_is_python312 "$candidate"; then echo "$candidate"; return 0; fi
    done
    local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    for candidate in $(ls -d "$pyenv_root"/versions/3.12*/bin/python3.12 2>/dev/null | sort -rV) \
                     /usr/local/bin/python3.12 /usr/bin/python3.12 "$(command -v python3 2>/dev/null)"; do
        if pyvm_is_python312 "$candidate"; then echo "$candidate"; return 0; fi
    done
    return 1
}

pyvm_ensure_venv() {
    local venv="$pyvm_root/.venv"
    local stamp="$venv/.pyvm-installed"
    local want
    want="$(cat "$pyvm_root/pyproject.toml" | sha256sum | cut -d' ' -f1)"
    if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    local python
    if ! python="$(pyvm_find_python312)"; then
        echo "pyvm: CPython 3.12 not found." >&2
        echo "  Looked at \$PYVM_PYTHON, python3.12 on PATH, \$PYENV_ROOT/versions/3.12*/bin, /usr/bin." >&2
        echo "  Install it (e.g. 'pyenv install 3.12') or set PYVM_PYTHON=/path/to/python3.12." >&2
        return 1
    fi
    if ! pyvm_is_python312 "$venv/bin/python"; then
        echo "pyvm: setting up $venv with $python" >&2
        rm -rf "$venv"
        "$python" -m venv "$venv" || return 1
    else
        echo "pyvm: updating $venv (pyproject.toml changed)" >&2
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$pyvm_root[dev]" >&2 || return 1
    echo "$want" > "$stamp"
}
