"""The public surface, pinned: a change here is a change users see."""
from __future__ import annotations

import docker_client
from docker_client import errors


def test_top_level_exports() -> None:
    assert sorted(docker_client.__all__) == sorted([
        "APIClient", "Client", "RegistryClient", "TLSConfig", "__version__", "errors", "from_context",
        "from_env", "kwargs_from_env", "types", "utils",
    ])
    for name in docker_client.__all__:
        assert hasattr(docker_client, name), name


def test_docker_py_exception_names() -> None:
    for name in ["APIError", "NotFound", "ImageNotFound", "InvalidVersion", "DockerException",
                 "InvalidRepository", "InvalidConfigFile", "InvalidArgument", "DeprecatedMethod",
                 "TLSParameterError", "NullResource", "ContainerError", "StreamParseError",
                 "BuildError", "ImageLoadError", "MissingContextParameter", "ContextAlreadyExists",
                 "ContextException", "ContextNotFound", "create_api_error_from_http_exception"]:
        assert hasattr(errors, name), name
    for name in dir(errors):
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception) and obj.__module__ == errors.__name__:
            assert issubclass(obj, errors.DockerException), name


def test_system_methods_have_docker_py_names() -> None:
    for name in ["ping", "version", "info", "events", "df", "login", "reload_config"]:
        assert callable(getattr(docker_client.Client, name)), name


def test_registry_client_is_loaded_on_first_use() -> None:
    import subprocess
    import sys

    code = ("import sys, docker_client; assert 'docker_client.registry' not in sys.modules; "
            "from docker_client import RegistryClient; "
            "assert RegistryClient.__module__ == 'docker_client.registry'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_docker_py_utils_names() -> None:
    from docker_client import utils

    for name in utils.__all__:
        assert callable(getattr(utils, name)), name
    for name in ["create_archive", "exclude_paths", "tar", "mkbuildcontext", "match_tag",
                 "convert_filters", "kwargs_from_env", "parse_host", "split_command"]:
        assert name in utils.__all__, name


def test_every_docker_py_api_client_method_is_here() -> None:
    from tests.docker_py_names import DOCKER_PY_API_CLIENT_METHODS

    missing = sorted(name for name in DOCKER_PY_API_CLIENT_METHODS
                     if not callable(getattr(docker_client.Client, name, None)))
    assert not missing, missing
