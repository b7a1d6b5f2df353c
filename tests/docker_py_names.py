"""The public methods of docker-py 7.1's ``docker.APIClient`` (beyond requests.Session's).

A fact list read from docker-py once, so the drop-in tests need no docker-py installed.
"""
DOCKER_PY_API_CLIENT_METHODS = frozenset([
    "attach", "attach_socket", "build", "commit", "configs", "configure_plugin",
    "connect_container_to_network", "containers", "create_config", "create_container",
    "create_container_config", "create_container_from_config", "create_endpoint_config",
    "create_host_config", "create_network", "create_networking_config", "create_plugin",
    "create_secret", "create_service", "create_swarm_spec", "create_volume", "df", "diff",
    "disable_plugin", "disconnect_container_from_network", "enable_plugin", "events",
    "exec_create", "exec_inspect", "exec_resize", "exec_start", "export", "get_archive",
    "get_image", "get_unlock_key", "history", "images", "import_image", "import_image_from_data",
    "import_image_from_file", "import_image_from_image", "import_image_from_stream",
    "import_image_from_url", "info", "init_swarm", "inspect_config", "inspect_container",
    "inspect_distribution", "inspect_image", "inspect_network", "inspect_node", "inspect_plugin",
    "inspect_secret", "inspect_service", "inspect_swarm", "inspect_task", "inspect_volume",
    "join_swarm", "kill", "leave_swarm", "load_image", "login", "logs", "networks", "nodes",
    "pause", "ping", "plugin_privileges", "plugins", "port", "prune_builds", "prune_containers",
    "prune_images", "prune_networks", "prune_volumes", "pull", "pull_plugin", "push",
    "push_plugin", "put_archive", "reload_config", "remove_config", "remove_container",
    "remove_image", "remove_network", "remove_node", "remove_plugin", "remove_secret",
    "remove_service", "remove_volume", "rename", "resize", "restart", "search", "secrets",
    "service_logs", "services", "start", "stats", "stop", "tag", "tasks", "top", "unlock_swarm",
    "unpause", "update_container", "update_node", "update_service", "update_swarm",
    "upgrade_plugin", "version", "volumes", "wait",
])
