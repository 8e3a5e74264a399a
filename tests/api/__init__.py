"""API tests. A package, so that its conftest is ``api.conftest`` and does not shadow the root one."""

import warnings

# Starlette 1.10's TestClient warns on import that it wants httpx2 (a StarletteDeprecationWarning, which
# the project's DeprecationWarning filter does not match); the client works (stack-notes §3.1, pitfall 19).
warnings.filterwarnings("ignore", message=".*httpx2.*")
