"""Packaging for docker_client: the library and its runtime dependencies only."""
import os

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))
version = {}
with open(os.path.join(HERE, "docker_client", "_version.py"), encoding="utf-8") as f:
    exec(f.read(), version)
with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
    long_description = f.read()

setup(
    name="docker_client",
    version=version["__version__"],
    description="A Python client for the Docker Engine API, a drop-in for docker-py's APIClient",
    long_description=long_description,
    long_description_content_type="text/markdown",
    packages=find_packages(include=["docker_client", "docker_client.*"]),
    package_data={"docker_client": ["py.typed"], "docker_client.buildkit": ["proto/*.proto"]},
    python_requires=">=3.9",
    install_requires=[
        "requests >= 2.28.0",
        "urllib3 >= 1.26.0",
        "httptools >= 0.5.0",
        "websocket-client >= 1.0.0",
    ],
    extras_require={
        "ssh": ["paramiko >= 2.4.3"],
        "progress": ["tqdm >= 4.0"],
        # BuildKit builds: the trace's protobuf messages, and HTTP/2 for the session
        "buildkit": ["protobuf >= 4.21", "h2 >= 4.0"],
    },
    license="Apache-2.0",
    classifiers=[
        "Programming Language :: Python :: 3",
        "Operating System :: POSIX",
        "Topic :: Software Development :: Libraries",
        "Typing :: Typed",
    ],
)
