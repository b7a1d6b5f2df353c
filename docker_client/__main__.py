"""``python -m docker_client``: see :mod:`docker_client.console`."""
import sys

from .console import main

sys.exit(main())
