"""Where Podman 5's Docker-compatible API answers differently from Docker Engine, by test.

On Podman (the ``podman`` tox environment) each test named here is expected to fail, strictly:
should Podman start answering as Docker does, the test passes, pytest reports it as an
unexpected pass and the run fails, so the entry has to go. Everything else in the suite runs on
Podman as on Docker. Endpoints Podman does not serve at all are marked ``podman_refuses`` on the
tests themselves (left out), and tests/integration/test_podman.py checks the library's error for
each. README.md ("Podman") lists these differences for users.

Keys are ``file::test`` (``[param]`` included for one case of a parametrized test).
"""
from __future__ import annotations

PODMAN_DIFFERENCES: dict[str, str] = {
    # attach and exec
    "test_attach.py::test_attach_forms":
        "attach(logs=True, stderr=False) replays the stderr of the log as well",
    "test_exec.py::test_exec_start_forms":
        "a detached exec_start answers a newline, not an empty body",
    "test_exec.py::test_exec_errors":
        "exec_create in a stopped container: 500, where Docker answers 409 Conflict",
    "test_modern_containers.py::test_exec_console_size_is_the_ttys":
        "an exec's ConsoleSize is not applied: its TTY has no size",
    # build (Buildah)
    "test_build.py::test_image_files_match_the_cli_with_dockerfile_in_subdir":
        "with the Dockerfile in a subdirectory, Buildah's image lacks that directory's files",
    "test_build.py::test_build_error_is_an_item_of_the_stream":
        "a failed RUN is worded 'exit status 3', not 'returned a non-zero code: 3'",
    "test_build.py::test_quiet_labels_and_buildargs":
        "a quiet build answers the image ID without its 'sha256:' prefix",
    "test_build.py::test_remote_context":
        "a build from a tarball URL fails: Podman looks for the Dockerfile outside the unpacked context",
    "test_build.py::test_version_gated_arguments":
        "extrahosts is read as a JSON list (Docker: repeated parameters), so the build is a 400",
    # containers
    "test_containers.py::test_missing_container_is_not_found_and_named":
        "some 404s say only 'no such container', without the container's name",
    "test_containers.py::test_kill_with_signal_numbers_and_names":
        "killing a stopped container: 'can only kill running containers', not 'is not running'",
    "test_containers.py::test_pause_and_unpause":
        "pause: 500 here (the cgroupfs manager on this kernel's cgroup v1 freezer)",
    "test_containers.py::test_rename_and_conflict":
        "renaming to a name in use: 500, where Docker answers 409 Conflict",
    "test_containers.py::test_remove_container":
        "removing a running container without force: 500, where Docker answers 409 Conflict",
    "test_containers.py::test_logs_100_mib_streamed_and_whole":
        "no 'local' log driver",
    "test_containers.py::test_archive_round_trip":
        "archive stat of a regular file gives its own path as linkTarget",
    "test_containers.py::test_put_archive_bodies_and_options":
        "put_archive into a missing directory creates it (Docker: 404)",
    "test_containers.py::test_commit":
        "commit answers the image ID without its 'sha256:' prefix",
    "test_modern_containers.py::test_stop_signal_reaches_the_process":
        "stop(signal=...) does not send the signal: the process is killed after the timeout",
    "test_modern_containers.py::test_restart_signal_reaches_the_process":
        "restart(signal=...) does not send the signal: the process is killed after the timeout",
    "test_modern_containers.py::test_console_size_is_the_ttys":
        "HostConfig.ConsoleSize is not applied to the container's TTY",
    # create
    "test_create_container.py::test_rich_config_is_stored_as_sent":
        "no 'local' log driver",
    "test_create_container.py::test_mounts":
        "inspect has no HostConfig.Mounts",
    "test_create_container.py::test_versioned_settings[Runtime]":
        "inspect shows the runtime as 'oci'",
    "test_create_container.py::test_versioned_settings[DeviceCgroupRules]":
        "inspect does not show DeviceCgroupRules",
    "test_create_container.py::test_versioned_settings[Healthcheck-StartPeriod]":
        "inspect shows the healthcheck with fields added",
    "test_create_container.py::test_versioned_settings[Healthcheck-StartInterval]":
        "inspect shows the healthcheck without StartInterval",
    "test_create_container.py::test_versioned_settings[MaskedPaths]":
        "inspect does not show MaskedPaths",
    "test_create_container.py::test_versioned_settings[ReadonlyPaths]":
        "inspect does not show ReadonlyPaths",
    "test_create_container.py::test_versioned_settings[DeviceRequests]":
        "inspect does not show DeviceRequests",
    "test_create_container.py::test_versioned_settings[KernelMemoryTCP]":
        "inspect has no KernelMemoryTCP",
    "test_create_container.py::test_versioned_settings[ConsoleSize]":
        "ConsoleSize is not applied",
    "test_create_container.py::test_networking_config":
        "inspect does not show the endpoint's IPAMConfig",
    "test_create_container.py::test_daemon_errors":
        "creating a container under a name in use: 500, where Docker answers 409 Conflict",
    # images
    "test_images.py::test_push_and_pull_plain_registry":
        "push progress carries no aux item with the pushed digest",
    "test_images.py::test_pull_unknown_image_or_tag_is_image_not_found":
        "a pull of an unknown repository is worded without its name",
    "test_images.py::test_push_of_an_image_not_here_is_image_not_found":
        "a push of an image not here: 'failed to find image', not 'does not exist locally'",
    "test_images.py::test_auth_registry":
        "a pull without credentials is worded 'authentication required', not 'no basic auth credentials'",
    "test_images.py::test_save_and_load_small":
        "a load of two images reports them in one 'Loaded image(s):' line",
    "test_images.py::test_load_errors":
        "a load of what is not an image archive: 500, where Docker answers 400",
    # networks and volumes
    "test_networks.py::test_create_inspect_list_remove":
        "inspect does not show the bridge driver's options (enable_icc)",
    "test_networks.py::test_inspect_options_by_version":
        "inspect_network(scope='swarm') finds the local network (Docker: 404)",
    "test_networks.py::test_create_options_by_version":
        "ConfigOnly is not kept (inspect says False)",
    "test_networks.py::test_connect_and_disconnect_containers":
        "inspect does not show a connected endpoint's IPAMConfig",
    "test_networks.py::test_connect_options_by_version":
        "inspect does not show an endpoint's DriverOpts",
    "test_system.py::test_events_between_since_and_until":
        "events of a window already past (until behind us) come back empty; with until ahead they come",
    "test_registry.py::test_daemon_pulls_with_registry_auth_header":
        "a pull with wrong credentials: 500, where Docker answers 401",
    "test_volumes.py::test_create_inspect_list_remove":
        "inspect shows a tmpfs volume's options in its own form",
    "test_volumes.py::test_prune_volumes":
        "a prune takes named volumes at API 1.42+ (Docker: anonymous ones only, unless all=true)",
    "test_modern_networks.py::test_cluster_volume_spec_reaches_the_daemon":
        "ClusterVolumeSpec is ignored: a local volume is made",
    "test_volumes.py::test_cluster_volumes_need_a_newer_api":
        "no cluster volumes: volume update is a 405, ClusterVolumeSpec is ignored",
}
