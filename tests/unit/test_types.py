"""The request-body builders and the helpers behind them, without a daemon.

Expected values were produced by docker-py 7.1 for the same arguments and written here
literally (golden values); arguments docker-py lacks are checked against the Engine API spec.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import responses

from docker_client import Client, types, utils, versions
from docker_client.api.container_config import ContainerConfigMixin
from docker_client.errors import DockerException, InvalidArgument, InvalidVersion
from docker_client.types import (
    ContainerConfig,
    DeviceRequest,
    DriverConfig,
    EndpointConfig,
    Healthcheck,
    HostConfig,
    IPAMConfig,
    IPAMPool,
    LogConfig,
    Mount,
    NetworkingConfig,
    RestartPolicy,
    Ulimit,
)
from docker_client.utils.ports import build_port_bindings, split_port
from docker_client.utils.proxy import ProxyConfig

OLDEST = "1.24"
NEWEST = "1.56"


def as_json(value: Any) -> Any:
    """What goes over the wire: tuples become lists, dict subclasses plain dicts."""
    return json.loads(json.dumps(value))


# -- ports -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, expected", [
    (80, (['80'], None)),
    ('80', (['80'], None)),
    ('8080:80', (['80'], ['8080'])),
    ('127.0.0.1:8080:80', (['80'], [('127.0.0.1', '8080')])),
    ('127.0.0.1::80', (['80'], [('127.0.0.1', None)])),
    ('1000-1002:2000-2002', (['2000', '2001', '2002'], ['1000', '1001', '1002'])),
    ('8000-9000:80', (['80'], ['8000-9000'])),
    ('80/udp', (['80/udp'], None)),
    ('[::1]:80:80', (['80'], [('::1', '80')])),
    ('1000-1001', (['1000', '1001'], None)),
    ('127.0.0.1:1000-1001:2000-2001/udp',
     (['2000/udp', '2001/udp'], [('127.0.0.1', '1000'), ('127.0.0.1', '1001')])),
    ('0.0.0.0:80:80/sctp', (['80/sctp'], [('0.0.0.0', '80')])),
    ('127.0.0.1:8000-9000:80', (['80'], [('127.0.0.1', '8000-9000')])),
    ('0:80', (['80'], ['0'])),
])
def test_split_port(spec: Any, expected: Any) -> None:
    assert split_port(spec) == expected


@pytest.mark.parametrize("spec, message", [
    ("80:abc", "malformed"),
    ("abc", "malformed"),
    ("", "malformed"),
    ("99999", "out of range"),
    ("0", "out of range"),
    ("70000:80", "out of range"),
    ("1-5:10-20", "Port ranges don't match in length"),
    ("20-10", "ends before it starts"),
    ("80/xyz", "unknown protocol"),
    (":80", "empty host port"),
    ("1.2.3.4:80:80:80", "'1.2.3.4:80' is not an IP address"),
    ("localhost:80:80", "malformed"),
])
def test_split_port_refuses_malformed_specs(spec: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)) as info:
        split_port(spec)
    assert isinstance(info.value, ValueError)  # docker-py raised ValueError: still caught


def test_build_port_bindings() -> None:
    assert build_port_bindings(
        ['80', '8080:80/udp', '127.0.0.1:9000:90', '1000-1001:2000-2001', '90:91', '81:80']
    ) == {'80': [None, '81'], '80/udp': ['8080'], '90': [('127.0.0.1', '9000')], '2000': ['1000'],
          '2001': ['1001'], '91': ['90']}
    with pytest.raises(InvalidArgument):
        build_port_bindings(['80', '80:abc'])


# -- docker.utils helpers --------------------------------------------------------------------------

def test_utils_exports_docker_py_names() -> None:
    for name in ["convert_port_bindings", "convert_volume_binds", "convert_tmpfs_mounts",
                 "normalize_links", "parse_devices", "split_command", "parse_env_file",
                 "format_extra_hosts", "format_environment", "parse_bytes"]:
        assert callable(getattr(utils, name)), name
        assert name in utils.__all__, name


def test_convert_port_bindings() -> None:
    assert utils.convert_port_bindings({
        80: 8080, '443/tcp': [('127.0.0.1', 8443), ('::1',)], 53: ('127.0.0.1',), '53/udp': (5353,),
        90: None, 91: {'HostPort': 9191, 'HostIp': '1.2.3.4'}, 92: [None, 9292], 93: '9000-9010',
    }) == {
        '80/tcp': [{'HostIp': '', 'HostPort': '8080'}],
        '443/tcp': [{'HostIp': '127.0.0.1', 'HostPort': '8443'}, {'HostIp': '::1', 'HostPort': ''}],
        '53/tcp': [{'HostIp': '127.0.0.1', 'HostPort': ''}],
        '53/udp': [{'HostIp': '', 'HostPort': '5353'}],
        '90/tcp': [{'HostIp': '', 'HostPort': ''}],
        '91/tcp': [{'HostIp': '1.2.3.4', 'HostPort': '9191'}],
        '92/tcp': [{'HostIp': '', 'HostPort': ''}, {'HostIp': '', 'HostPort': '9292'}],
        '93/tcp': [{'HostIp': '', 'HostPort': '9000-9010'}],
    }


@pytest.mark.parametrize("bindings, message", [
    ({"abc": 80}, "invalid container port 'abc'"),
    ({"80/xyz": 80}, "invalid container port"),
    ({0: 80}, "container port"),
    ({99999: 80}, "container port"),
    ({80: "abc"}, "invalid host port 'abc'"),
    ({80: 70000}, "invalid host port '70000'"),
    ({80: 1.5}, "expected an int or a string"),
    ({80: ("1.2.3.4", 80, "x")}, "a tuple is"),
    ({80: {"HostIp": "1.2.3.4"}}, "needs 'HostPort'"),
    ({80: {"HostPort": 1, "Bogus": 2}}, "unknown keys"),
    ([80], "must be a dict"),
])
def test_convert_port_bindings_refuses_bad_bindings(bindings: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        utils.convert_port_bindings(bindings)


def test_convert_volume_binds() -> None:
    binds: dict[Any, Any] = {
        '/a': '/b', b'/c': {'bind': b'/d', 'ro': True}, '/e': {'bind': '/f', 'mode': 'z'},
        '/g': {'bind': '/h', 'propagation': 'rshared'}, 'vol': {'bind': '/v', 'ro': False}}
    assert utils.convert_volume_binds(binds) == [
        '/a:/b:rw', '/c:/d:ro', '/e:/f:z', '/g:/h:rw,rshared', 'vol:/v:rw']
    listed = ['/a:/b', 'vol:/data:ro,nocopy', '/x:/y:rw,z,rslave', '/anonymous']
    assert utils.convert_volume_binds(listed) == listed
    windows = ['C:\\data:C:\\data', 'c:/src:d:/dst:ro']
    assert utils.convert_volume_binds(windows) == windows  # the daemon parses these
    # Options are each daemon's to judge (Podman's U, O, idmap...), as docker-py sends them.
    podman = ['/a:/b:U', '/a:/b:O', '/a:/b:ro,idmap', '/a:/b:xx']
    assert utils.convert_volume_binds(podman) == podman


def test_docker_py_forms_of_host_config() -> None:
    assert HostConfig("1.41", cap_add="SYS_ADMIN", cap_drop="ALL")["CapAdd"] == ["SYS_ADMIN"]
    assert HostConfig("1.41", cap_drop="ALL")["CapDrop"] == ["ALL"]
    assert LogConfig.types.JSON in LogConfig.types._values
    assert HostConfig("1.41", mem_swappiness=-1)["MemorySwappiness"] == -1
    assert HostConfig("1.41", mem_limit="")["Memory"] == 0


@pytest.mark.parametrize("binds, message", [
    ({'/a': {'bind': '/b', 'ro': True, 'mode': 'rw'}}, 'cannot contain both "ro" and "mode"'),
    ({'/a': {'mode': 'rw'}}, "has no 'bind'"),
    ({'/a': {'bind': '/b', 'propagation': 'sideways'}}, "propagation 'sideways'"),
    ({'/a': {'bind': '/b', 'rw': True}}, "unknown keys ['rw']"),
    ({'/a': 5}, "expected a container path or a dict"),
    (['/a:relative'], "must be an absolute path"),
    (['/a:/b:ro:extra'], "expected 'host-src:container-dest[:options]'"),
    ([':/b'], "expected 'host-src"),
    (['/foo:rw'], "options need a source and a destination"),
    (['relative'], "must be an absolute path"),
    ([42], "expected a 'host-src:container-dest[:options]' string"),
    ('/a:/b', "must be a list or a dict"),
])
def test_convert_volume_binds_refuses_bad_specs(binds: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        utils.convert_volume_binds(binds)


def test_convert_tmpfs_mounts() -> None:
    assert utils.convert_tmpfs_mounts(['/a', '/b:size=1m,uid=1']) == {'/a': '', '/b': 'size=1m,uid=1'}
    assert utils.convert_tmpfs_mounts({'/run': 'rw'}) == {'/run': 'rw'}
    with pytest.raises(InvalidArgument, match="either a list or a dict, found: str"):
        utils.convert_tmpfs_mounts('/run')  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="to be a string, found: int"):
        utils.convert_tmpfs_mounts([1])  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match="must be absolute"):
        utils.convert_tmpfs_mounts(['run:size=1m'])
    with pytest.raises(InvalidArgument, match="must be strings"):
        utils.convert_tmpfs_mounts({'/run': 1})  # type: ignore[dict-item]


def test_normalize_links() -> None:
    assert utils.normalize_links({'b': 'alias', 'a': None}) == ['a', 'b:alias']
    assert utils.normalize_links([('x', 'y'), ('a', '')]) == ['a', 'x:y']
    # docker-py could not take "name[:alias]" strings (its own docs show one); we can
    assert utils.normalize_links(['web:app', 'db']) == ['db', 'web:app']
    with pytest.raises(InvalidArgument, match="invalid link"):
        utils.normalize_links([('a', 'b', 'c')])


def test_parse_devices() -> None:
    assert utils.parse_devices(['/dev/sda', '/dev/sda:/dev/xvda', '/dev/sda:/dev/xvda:r',
                                {'PathOnHost': 'x'}]) == [
        {'PathOnHost': '/dev/sda', 'PathInContainer': '/dev/sda', 'CgroupPermissions': 'rwm'},
        {'PathOnHost': '/dev/sda', 'PathInContainer': '/dev/xvda', 'CgroupPermissions': 'rwm'},
        {'PathOnHost': '/dev/sda', 'PathInContainer': '/dev/xvda', 'CgroupPermissions': 'r'},
        {'PathOnHost': 'x'},
    ]


@pytest.mark.parametrize("devices, message", [
    ([42], "Invalid device type"),
    (['/dev/sda:/dev/xvda:rwx'], "permissions 'rwx'"),
    (['/dev/sda:/dev/xvda:rr'], "permissions 'rr'"),
    (['/dev/a:/dev/b:r:x'], "expected 'host_path[:container_path[:permissions]]'"),
    (['/dev/sda::r'], "expected 'host_path"),
    ([''], "expected 'host_path"),
    ([{'PathOnHost': '/dev/a', 'Path': '/dev/b'}], "unknown keys ['Path']"),
    ('/dev/sda', "devices must be a list"),
])
def test_parse_devices_refuses_bad_specs(devices: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)) as info:
        utils.parse_devices(devices)
    assert isinstance(info.value, DockerException)  # what docker-py raised


def test_format_extra_hosts_and_split_command() -> None:
    assert utils.format_extra_hosts({'b': '1.2.3.4', 'a': '::1'}) == ['a:::1', 'b:1.2.3.4']
    assert utils.format_extra_hosts({'b': '1.2.3.4'}, task=True) == ['1.2.3.4 b']
    assert utils.split_command('sh -c "echo hi"') == ['sh', '-c', 'echo hi']
    with pytest.raises(InvalidArgument, match="cannot split command"):
        utils.split_command('echo "unbalanced')


def test_parse_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    env_file.write_text("# a comment\nUSER=jdoe\n\n  PASS=secret=1  \nEMPTY=\n")
    assert utils.parse_env_file(str(env_file)) == {'USER': 'jdoe', 'PASS': 'secret=1', 'EMPTY': ''}
    env_file.write_text("GOOD=1\nBADLINE\n")
    with pytest.raises(InvalidArgument, match="Invalid line in environment file"):
        utils.parse_env_file(str(env_file))


# -- small types -----------------------------------------------------------------------------------

def test_types_exports_docker_py_names() -> None:
    for name in ["ContainerConfig", "HostConfig", "LogConfig", "Ulimit", "DeviceRequest", "Healthcheck",
                 "EndpointConfig", "NetworkingConfig", "IPAMConfig", "IPAMPool", "Mount", "RestartPolicy",
                 "DriverConfig", "CancellableStream"]:
        assert name in types.__all__ and hasattr(types, name), name


def test_log_config() -> None:
    assert LogConfig(type='json-file', config={'max-size': '1m'}) == {
        'Type': 'json-file', 'Config': {'max-size': '1m'}}
    assert LogConfig() == {'Type': None, 'Config': {}}
    assert LogConfig(Type='x', Config={'a': 'b'}) == {'Type': 'x', 'Config': {'a': 'b'}}
    config = LogConfig(type=LogConfig.types.LOCAL)
    config.set_config_value('max-file', '3')
    assert config.config == {'max-file': '3'} and config.type == 'local'
    config.unset_config('max-file')
    config.unset_config('absent')
    config.type = LogConfig.types.JSON
    assert config == {'Type': 'json-file', 'Config': {}}
    with pytest.raises(InvalidArgument, match="must be a dictionary"):
        LogConfig(type='local', config=['max-size'])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="must map strings to strings"):
        LogConfig(type='local', config={'max-file': 3})  # type: ignore[dict-item]
    with pytest.raises(InvalidArgument, match="LogConfig.type must be a string"):
        LogConfig(type=5)  # type: ignore[arg-type]


def test_ulimit() -> None:
    assert Ulimit(name='nofile', soft=1, hard=2) == {'Name': 'nofile', 'Soft': 1, 'Hard': 2}
    assert Ulimit(Name='nproc', Soft=3) == {'Name': 'nproc', 'Soft': 3, 'Hard': None}
    limit = Ulimit(name='core', soft=0, hard=-1)
    limit.soft, limit.hard, limit.name = 5, 10, 'nofile'
    assert (limit.name, limit.soft, limit.hard) == ('nofile', 5, 10)
    with pytest.raises(InvalidArgument, match="Ulimit.name must be a string"):
        Ulimit(soft=1)
    with pytest.raises(InvalidArgument, match="Ulimit.soft must be an integer"):
        Ulimit(name='nofile', soft='1')  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="Ulimit.hard must be an integer"):
        Ulimit(name='nofile', hard=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="soft limit 10 is above the hard limit 5"):
        Ulimit(name='nofile', soft=10, hard=5)


def test_device_request() -> None:
    assert DeviceRequest() == {'Driver': '', 'Count': 0, 'DeviceIDs': [], 'Capabilities': [],
                               'Options': {}}
    request = DeviceRequest(driver='nvidia', count=-1, device_ids=['0'], capabilities=[['gpu']],
                            options={'a': 'b'})
    assert request == {'Driver': 'nvidia', 'Count': -1, 'DeviceIDs': ['0'],
                       'Capabilities': [['gpu']], 'Options': {'a': 'b'}}
    assert DeviceRequest(Driver='x', Count=1) == {'Driver': 'x', 'Count': 1, 'DeviceIDs': [],
                                                  'Capabilities': [], 'Options': {}}
    request.count = 2
    request.driver = 'cdi'
    request.device_ids = ['1']
    request.capabilities = [['compute']]
    request.options = {}
    assert (request.driver, request.count, request.device_ids, request.capabilities,
            request.options) == ('cdi', 2, ['1'], [['compute']], {})


@pytest.mark.parametrize("kwargs, message", [
    ({"driver": 1}, "DeviceRequest.driver must be a string"),
    ({"count": "all"}, "DeviceRequest.count must be an integer"),
    ({"device_ids": "0"}, "DeviceRequest.device_ids must be a list"),
    ({"capabilities": ["gpu"]}, "DeviceRequest.capabilities must be a list of lists"),
    ({"options": ["a"]}, "DeviceRequest.options must be a dict"),
])
def test_device_request_refuses_wrong_types(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        DeviceRequest(**kwargs)


def test_restart_policy_and_driver_config() -> None:
    assert RestartPolicy() == {'Condition': 'none', 'Delay': 0, 'MaxAttempts': 0, 'Window': 0}
    assert RestartPolicy('on-failure', 5, 3, 10) == {'Condition': 'on-failure', 'Delay': 5,
                                                     'MaxAttempts': 3, 'Window': 10}
    assert RestartPolicy.condition_types.ANY == 'any'
    with pytest.raises(InvalidArgument, match="Invalid RestartPolicy condition 'always'"):
        RestartPolicy('always')
    with pytest.raises(InvalidArgument, match="max_attempts"):
        RestartPolicy('any', max_attempts=-1)
    assert DriverConfig('local', {'o': '1'}) == {'Name': 'local', 'Options': {'o': '1'}}
    assert DriverConfig('local') == {'Name': 'local'}


def test_healthcheck() -> None:
    assert Healthcheck(test='true', interval=1000000000) == {
        'Test': ['CMD-SHELL', 'true'], 'Interval': 1000000000, 'Timeout': None, 'Retries': None,
        'StartPeriod': None}
    assert Healthcheck(Test=['CMD', 'true']) == {
        'Test': ['CMD', 'true'], 'Interval': None, 'Timeout': None, 'Retries': None, 'StartPeriod': None}
    check = Healthcheck(test=[], timeout=0, retries=3, start_period=2000000, start_interval=1000000)
    assert check == {'Test': [], 'Interval': None, 'Timeout': 0, 'Retries': 3, 'StartPeriod': 2000000,
                     'StartInterval': 1000000}
    check.test = "curl -f localhost"
    check.interval, check.timeout, check.retries, check.start_period = 10**9, 10**9, 1, 10**9
    check.start_interval = None
    assert check == {'Test': ['CMD-SHELL', 'curl -f localhost'], 'Interval': 10**9, 'Timeout': 10**9,
                     'Retries': 1, 'StartPeriod': 10**9}
    assert (check.test, check.interval, check.timeout, check.retries, check.start_period,
            check.start_interval) == (['CMD-SHELL', 'curl -f localhost'], 10**9, 10**9, 1, 10**9, None)
    check.start_interval = 10**6
    assert check.start_interval == 10**6


@pytest.mark.parametrize("kwargs, message", [
    ({"test": ["ECHO", "x"]}, "must start with NONE, CMD or CMD-SHELL"),
    ({"test": 5}, "must be a string or a list of strings"),
    ({"interval": 500}, "at least 1000000 ns"),
    ({"timeout": 1.5}, "must be an integer number of nanoseconds"),
    ({"start_period": -1}, "at least 1000000 ns"),
    ({"start_interval": True}, "must be an integer"),
    ({"retries": -1}, "non-negative integer"),
])
def test_healthcheck_refuses_bad_values(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        Healthcheck(**kwargs)


# -- Mount -----------------------------------------------------------------------------------------

def test_mount_docker_py_shapes() -> None:
    assert Mount('/t', 's') == {'Target': '/t', 'Source': 's', 'Type': 'volume', 'ReadOnly': False}
    assert Mount('/t', '/s', type='bind', read_only=True, propagation='rshared', consistency='cached') == {
        'Target': '/t', 'Source': '/s', 'Type': 'bind', 'ReadOnly': True, 'Consistency': 'cached',
        'BindOptions': {'Propagation': 'rshared'}}
    assert Mount('/t', 'v', no_copy=True, labels={'a': 'b'},
                 driver_config=DriverConfig('local', {'o': '1'})) == {
        'Target': '/t', 'Source': 'v', 'Type': 'volume', 'ReadOnly': False,
        'VolumeOptions': {'NoCopy': True, 'Labels': {'a': 'b'},
                          'DriverConfig': {'Name': 'local', 'Options': {'o': '1'}}}}
    assert Mount('/t', None, type='tmpfs', tmpfs_size='1m', tmpfs_mode=0o755) == {
        'Target': '/t', 'Source': None, 'Type': 'tmpfs', 'ReadOnly': False,
        'TmpfsOptions': {'Mode': 493, 'SizeBytes': 1048576}}
    assert Mount('/p', '\\\\.\\pipe\\docker_engine', type='npipe') == {
        'Target': '/p', 'Source': '\\\\.\\pipe\\docker_engine', 'Type': 'npipe', 'ReadOnly': False}


def test_mount_options_beyond_docker_py() -> None:
    assert Mount('/t', '/s', type='bind', non_recursive=True, create_mountpoint=True,
                 read_only_non_recursive=True, read_only_force_recursive=True) == {
        'Target': '/t', 'Source': '/s', 'Type': 'bind', 'ReadOnly': False,
        'BindOptions': {'NonRecursive': True, 'CreateMountpoint': True, 'ReadOnlyNonRecursive': True,
                        'ReadOnlyForceRecursive': True}}
    assert Mount('/t', 'vol', subpath='dir/sub') == {
        'Target': '/t', 'Source': 'vol', 'Type': 'volume', 'ReadOnly': False,
        'VolumeOptions': {'Subpath': 'dir/sub'}}
    assert Mount('/t', 'busybox', type='image', subpath='etc') == {
        'Target': '/t', 'Source': 'busybox', 'Type': 'image', 'ReadOnly': False,
        'ImageOptions': {'Subpath': 'etc'}}
    # docker-py 7.2 has subpath as the 12th positional argument
    assert Mount('/t', 'vol', 'volume', False, None, None, False, None, None, None, None, 'd') == \
        Mount('/t', 'vol', subpath='d')
    assert Mount('/t', None, type='tmpfs', tmpfs_options=[['noexec'], ('nr_inodes', '1k')]) == {
        'Target': '/t', 'Source': None, 'Type': 'tmpfs', 'ReadOnly': False,
        'TmpfsOptions': {'Options': [['noexec'], ['nr_inodes', '1k']]}}


@pytest.mark.parametrize("spec, expected", [
    ('/a', {'Target': '/a', 'Source': None, 'Type': 'volume', 'ReadOnly': False}),
    ('v:/a', {'Target': '/a', 'Source': 'v', 'Type': 'volume', 'ReadOnly': False}),
    ('/h:/a:ro', {'Target': '/a', 'Source': '/h', 'Type': 'bind', 'ReadOnly': True}),
    ('/h:/a:rw', {'Target': '/a', 'Source': '/h', 'Type': 'bind', 'ReadOnly': False}),
    ('v:/a:ro,z', {'Target': '/a', 'Source': 'v', 'Type': 'volume', 'ReadOnly': True}),
])
def test_mount_parse_mount_string(spec: str, expected: dict[str, Any]) -> None:
    assert Mount.parse_mount_string(spec) == expected


@pytest.mark.parametrize("args, kwargs, message", [
    (('/t', 's'), {"type": "nfs"}, 'Unsupported mount type: "nfs"'),
    (('/t', '/s'), {"type": "bind", "no_copy": True}, "Incompatible options have been provided for the bind"),
    (('/t', '/s'), {"type": "bind", "tmpfs_size": "1m"}, "for the bind type mount"),
    (('/t', '/s'), {"type": "bind", "subpath": "x"}, "for the bind type mount"),
    (('/t', 'v'), {"propagation": "rshared"}, "for the volume type mount"),
    (('/t', 'v'), {"create_mountpoint": True}, "for the volume type mount"),
    (('/t', None), {"type": "tmpfs", "labels": {"a": "b"}}, "for the tmpfs type mount"),
    (('/t', None), {"type": "tmpfs", "tmpfs_mode": "755"}, "tmpfs_mode must be an integer"),
    (('/t', None), {"type": "tmpfs", "tmpfs_size": "12x"}, "tmpfs_size"),
    (('/t', None), {"type": "tmpfs", "tmpfs_options": [["a", "b", "c"]]}, "tmpfs_options"),
    (('/t', 'img'), {"type": "image", "no_copy": True}, "for the image type mount"),
    (('/t', 'p'), {"type": "npipe", "read_only_non_recursive": True}, "for the npipe type mount"),
    (('/t', 'v'), {"subpath": "../escape"}, "must be relative, without '..'"),
    (('/t', 'v'), {"subpath": "/abs"}, "must be relative"),
    (('/t', '/s'), {"type": "bind", "propagation": "sideways"}, "propagation"),
    (('/t', 's'), {"consistency": "eventual"}, "consistency"),
    (('/t', 'v'), {"driver_config": "local"}, "driver_config must be a DriverConfig"),
    (('', 's'), {}, "Mount target must be a non-empty path"),
    (('/t', 5), {}, "Mount source must be a string"),
])
def test_mount_refuses_bad_arguments(args: tuple[Any, ...], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        Mount(*args, **kwargs)


def test_mount_parse_refuses_too_many_parts() -> None:
    with pytest.raises(InvalidArgument, match='Invalid mount format "a:b:c:d"'):
        Mount.parse_mount_string('a:b:c:d')


# -- HostConfig: docker-py's arguments, golden JSON ------------------------------------------------

@pytest.mark.parametrize("kwargs, expected", [
    pytest.param(
        {'binds': ['/a:/b', '/c:/d:ro'],
         'port_bindings': {80: 8080,
                           '53/udp': ('127.0.0.1', 53),
                           443: [('::1', 8443), 9443],
                           90: None,
                           91: ('1.2.3.4',),
                           92: {'HostPort': 9292}}},
        {'NetworkMode': 'default',
         'Binds': ['/a:/b', '/c:/d:ro'],
         'PortBindings': {'80/tcp': [{'HostIp': '', 'HostPort': '8080'}],
                          '53/udp': [{'HostIp': '127.0.0.1', 'HostPort': '53'}],
                          '443/tcp': [{'HostIp': '::1', 'HostPort': '8443'},
                                      {'HostIp': '', 'HostPort': '9443'}],
                          '90/tcp': [{'HostIp': '', 'HostPort': ''}],
                          '91/tcp': [{'HostIp': '1.2.3.4', 'HostPort': ''}],
                          '92/tcp': [{'HostIp': '', 'HostPort': '9292'}]}},
        id='binds_and_ports'),
    pytest.param(
        {'binds': {'/h': {'bind': '/c', 'mode': 'ro'},
                   '/x': '/y',
                   '/p': {'bind': '/q', 'ro': True, 'propagation': 'rslave'}}},
        {'NetworkMode': 'default', 'Binds': ['/h:/c:ro', '/x:/y:rw', '/p:/q:ro,rslave']},
        id='binds_dict'),
    pytest.param(
        {'lxc_conf': {'lxc.aa': 1},
         'publish_all_ports': True,
         'links': {'db': 'database', 'cache': None},
         'privileged': True},
        {'Privileged': True,
         'PublishAllPorts': True,
         'NetworkMode': 'default',
         'Links': ['cache', 'db:database'],
         'LxcConf': [{'Key': 'lxc.aa', 'Value': '1'}]},
        id='links_lxc_flags'),
    pytest.param(
        {'dns': ['8.8.8.8'],
         'dns_search': ['example.com'],
         'volumes_from': 'a,b:ro',
         'network_mode': 'bridge'},
        {'DnsSearch': ['example.com'],
         'NetworkMode': 'bridge',
         'Dns': ['8.8.8.8'],
         'VolumesFrom': ['a', 'b:ro']},
        id='dns_volumes_from_network'),
    pytest.param(
        {'restart_policy': {'Name': 'on-failure', 'MaximumRetryCount': 3},
         'cap_add': ['SYS_ADMIN'],
         'cap_drop': ['MKNOD']},
        {'NetworkMode': 'default',
         'RestartPolicy': {'Name': 'on-failure', 'MaximumRetryCount': 3},
         'CapAdd': ['SYS_ADMIN'],
         'CapDrop': ['MKNOD']},
        id='restart_caps'),
    pytest.param(
        {'devices': ['/dev/sda:/dev/xvda:rwm', '/dev/null'],
         'extra_hosts': {'h1': '1.2.3.4', 'a': '::1'},
         'read_only': True},
        {'ReadonlyRootfs': True,
         'NetworkMode': 'default',
         'Devices': [{'PathOnHost': '/dev/sda', 'PathInContainer': '/dev/xvda', 'CgroupPermissions': 'rwm'},
                     {'PathOnHost': '/dev/null',
                      'PathInContainer': '/dev/null',
                      'CgroupPermissions': 'rwm'}],
         'ExtraHosts': ['a:::1', 'h1:1.2.3.4']},
        id='devices_hosts_readonly'),
    pytest.param(
        {'pid_mode': 'host',
         'ipc_mode': 'shareable',
         'security_opt': ['no-new-privileges'],
         'ulimits': [{'name': 'nofile', 'soft': 1024, 'hard': 2048}, {'Name': 'nproc', 'Soft': 5}]},
        {'PidMode': 'host',
         'IpcMode': 'shareable',
         'NetworkMode': 'default',
         'SecurityOpt': ['no-new-privileges'],
         'Ulimits': [{'Name': 'nofile', 'Soft': 1024, 'Hard': 2048},
                     {'Name': 'nproc', 'Soft': 5, 'Hard': None}]},
        id='namespaces_ulimits'),
    pytest.param(
        {'log_config': {'type': 'local', 'config': {'max-size': '1m'}}},
        {'NetworkMode': 'default', 'LogConfig': {'Type': 'local', 'Config': {'max-size': '1m'}}},
        id='log_config_dict'),
    pytest.param(
        {'mem_limit': '512m',
         'memswap_limit': -1,
         'mem_reservation': '256m',
         'kernel_memory': '64m',
         'mem_swappiness': 10},
        {'Memory': 536870912,
         'MemorySwap': -1,
         'MemoryReservation': 268435456,
         'KernelMemory': 67108864,
         'MemorySwappiness': 10,
         'NetworkMode': 'default'},
        id='memory'),
    pytest.param(
        {'mem_limit': 1000,
         'memswap_limit': '1g',
         'mem_reservation': 0,
         'kernel_memory': 0,
         'mem_swappiness': 0},
        {'Memory': 1000, 'MemorySwap': 1073741824, 'MemorySwappiness': 0, 'NetworkMode': 'default'},
        id='memory_zeroes'),
    pytest.param(
        {'cgroup_parent': '/foo',
         'group_add': [1000, 'audio'],
         'cpu_quota': 50000,
         'cpu_period': 100000,
         'blkio_weight': 500},
        {'NetworkMode': 'default',
         'GroupAdd': ['1000', 'audio'],
         'CgroupParent': '/foo',
         'CpuQuota': 50000,
         'CpuPeriod': 100000,
         'BlkioWeight': 500},
        id='cgroups_cpu_blkio'),
    pytest.param(
        {'blkio_weight_device': [{'Path': '/dev/sda', 'Weight': 100}],
         'device_read_bps': [{'Path': '/dev/sda', 'Rate': 1024}],
         'device_write_bps': [{'Path': '/dev/sda', 'Rate': 1}],
         'device_read_iops': [{'Path': '/dev/sda', 'Rate': 2}],
         'device_write_iops': [{'Path': '/dev/sda', 'Rate': 3}]},
        {'NetworkMode': 'default',
         'BlkioWeightDevice': [{'Path': '/dev/sda', 'Weight': 100}],
         'BlkioDeviceReadBps': [{'Path': '/dev/sda', 'Rate': 1024}],
         'BlkioDeviceWriteBps': [{'Path': '/dev/sda', 'Rate': 1}],
         'BlkioDeviceReadIOps': [{'Path': '/dev/sda', 'Rate': 2}],
         'BlkioDeviceWriteIOps': [{'Path': '/dev/sda', 'Rate': 3}]},
        id='blkio_devices'),
    pytest.param(
        {'oom_kill_disable': True,
         'shm_size': '64m',
         'sysctls': {'net.core.somaxconn': 1024},
         'tmpfs': ['/run', '/tmp:size=1m']},
        {'ShmSize': 67108864,
         'OomKillDisable': True,
         'NetworkMode': 'default',
         'Sysctls': {'net.core.somaxconn': '1024'},
         'Tmpfs': {'/run': '', '/tmp': 'size=1m'}},
        id='oom_shm_sysctls_tmpfs'),
    pytest.param(
        {'shm_size': 1024,
         'tmpfs': {'/run': 'rw'},
         'oom_score_adj': 500,
         'dns_opt': ['ndots:2'],
         'cpu_shares': 512,
         'cpuset_cpus': '0-1'},
        {'ShmSize': 1024,
         'OomScoreAdj': 500,
         'NetworkMode': 'default',
         'DnsOptions': ['ndots:2'],
         'CpuShares': 512,
         'CpusetCpus': '0-1',
         'Tmpfs': {'/run': 'rw'}},
        id='shm_tmpfs_dict_dns_opt_cpu'),
    pytest.param(
        {'userns_mode': 'host',
         'uts_mode': 'host',
         'pids_limit': 100,
         'isolation': 'default',
         'auto_remove': True,
         'storage_opt': {'size': '10G'}},
        {'NetworkMode': 'default',
         'UsernsMode': 'host',
         'UTSMode': 'host',
         'PidsLimit': 100,
         'Isolation': 'default',
         'AutoRemove': True,
         'StorageOpt': {'size': '10G'}},
        id='userns_uts_pids_isolation'),
    pytest.param(
        {'init': True,
         'volume_driver': 'local',
         'cpu_count': 2,
         'cpu_percent': 50,
         'nano_cpus': 500000000,
         'cpuset_mems': '0',
         'runtime': 'runc'},
        {'NetworkMode': 'default',
         'CpusetMems': '0',
         'Init': True,
         'VolumeDriver': 'local',
         'CpuCount': 2,
         'CpuPercent': 50,
         'NanoCpus': 500000000,
         'Runtime': 'runc'},
        id='init_runtime_cpus'),
    pytest.param(
        {'cpu_rt_period': 1000,
         'cpu_rt_runtime': 100,
         'device_cgroup_rules': ['c 1:3 mr'],
         'cgroupns': 'private'},
        {'NetworkMode': 'default',
         'CPURealtimePeriod': 1000,
         'CPURealtimeRuntime': 100,
         'DeviceCgroupRules': ['c 1:3 mr'],
         'CgroupnsMode': 'private'},
        id='realtime_cgroup_rules_cgroupns'),
    pytest.param(
        {'device_requests': [{'driver': 'nvidia', 'count': -1, 'capabilities': [['gpu']]},
                             {'device_ids': ['0']}]},
        {'NetworkMode': 'default',
         'DeviceRequests': [{'Driver': 'nvidia',
                             'Count': -1,
                             'DeviceIDs': [],
                             'Capabilities': [['gpu']],
                             'Options': {}},
                            {'Driver': '',
                             'Count': 0,
                             'DeviceIDs': ['0'],
                             'Capabilities': [],
                             'Options': {}}]},
        id='device_requests'),
    pytest.param(
        {'network_mode': 'host', 'port_bindings': {}},
        {'NetworkMode': 'host', 'PortBindings': {}},
        id='host_network_no_bindings'),
    pytest.param(
        {'read_only': False,
         'dns': [],
         'dns_opt': [],
         'links': [],
         'volumes_from': [],
         'security_opt': [],
         'ulimits': [],
         'binds': [],
         'port_bindings': {}},
        {'ReadonlyRootfs': False,
         'NetworkMode': 'default',
         'Dns': [],
         'DnsOptions': [],
         'SecurityOpt': [],
         'VolumesFrom': [],
         'Binds': [],
         'PortBindings': {},
         'Links': [],
         'Ulimits': []},
        id='empty_values_kept'),
    pytest.param(
        {'extra_hosts': ['a:1.2.3.4'], 'lxc_conf': [{'Key': 'k', 'Value': 'v'}], 'pids_limit': -1},
        {'NetworkMode': 'default',
         'ExtraHosts': ['a:1.2.3.4'],
         'LxcConf': [{'Key': 'k', 'Value': 'v'}],
         'PidsLimit': -1},
        id='lists_passed_on'),
    pytest.param(
        {'privileged': False,
         'publish_all_ports': False,
         'oom_kill_disable': False,
         'auto_remove': False,
         'cpu_quota': 0,
         'cpu_shares': 0,
         'blkio_weight': 0,
         'pids_limit': 0,
         'tmpfs': {},
         'sysctls': {},
         'devices': [],
         'cap_add': [],
         'group_add': [],
         'restart_policy': {},
         'cgroupns': ''},
        {'NetworkMode': 'default'},
        id='falsy_skipped'),
    pytest.param(
        {'init': False,
         'mounts': [{'Target': '/t', 'Source': 'v', 'Type': 'volume', 'ReadOnly': False},
                    {'Target': '/b',
                     'Source': '/h',
                     'Type': 'bind',
                     'ReadOnly': True,
                     'Consistency': 'cached',
                     'BindOptions': {'Propagation': 'rshared'}}]},
        {'NetworkMode': 'default',
         'Init': False,
         'Mounts': [{'Target': '/t', 'Source': 'v', 'Type': 'volume', 'ReadOnly': False},
                    {'Target': '/b',
                     'Source': '/h',
                     'Type': 'bind',
                     'ReadOnly': True,
                     'Consistency': 'cached',
                     'BindOptions': {'Propagation': 'rshared'}}]},
        id='mounts_as_dicts'),
])
def test_host_config_matches_docker_py(kwargs: dict[str, Any], expected: dict[str, Any]) -> None:
    assert as_json(HostConfig("1.41", **kwargs)) == expected


def test_host_config_typed_members() -> None:
    config = HostConfig(
        "1.41",
        ulimits=[Ulimit(name='nproc', soft=5)],
        log_config=LogConfig(type='json-file'),
        mounts=[Mount('/t', 'v'), Mount('/tm', None, type='tmpfs', tmpfs_size='1m', tmpfs_mode=0o700),
                'vol:/data:ro'],
        device_requests=[DeviceRequest(device_ids=['0'])],
    )
    assert as_json(config) == {
        'NetworkMode': 'default',
        'Ulimits': [{'Name': 'nproc', 'Soft': 5, 'Hard': None}],
        'LogConfig': {'Type': 'json-file', 'Config': {}},
        'Mounts': [{'Target': '/t', 'Source': 'v', 'Type': 'volume', 'ReadOnly': False},
                   {'Target': '/tm', 'Source': None, 'Type': 'tmpfs', 'ReadOnly': False,
                    'TmpfsOptions': {'Mode': 448, 'SizeBytes': 1048576}},
                   {'Target': '/data', 'Source': 'vol', 'Type': 'volume', 'ReadOnly': True}],
        'DeviceRequests': [{'Driver': '', 'Count': 0, 'DeviceIDs': ['0'], 'Capabilities': [],
                            'Options': {}}],
    }
    assert isinstance(config["Ulimits"][0], Ulimit) and isinstance(config["LogConfig"], LogConfig)


def test_host_config_bytes_and_floats() -> None:
    config = HostConfig("1.41", mem_limit=1.5e9, memswap_limit="-1", shm_size="1G",
                        mem_reservation="10k", kernel_memory=4194304)
    # docker-py sent floats as they were, which the daemon cannot read as int64
    assert as_json(config) == {'Memory': 1500000000, 'MemorySwap': -1, 'ShmSize': 1073741824,
                               'MemoryReservation': 10240, 'KernelMemory': 4194304,
                               'NetworkMode': 'default'}


# -- HostConfig: arguments beyond docker-py --------------------------------------------------------

def test_host_config_fields_beyond_docker_py() -> None:
    config = HostConfig(
        NEWEST,
        annotations={'com.example.team': 'infra'},
        console_size=(24, 80),
        masked_paths=['/proc/kcore'],
        readonly_paths=['/proc/sys'],
        cgroup='',
        io_maximum_iops=100,
        io_maximum_bandwidth='1m',
        container_id_file='/tmp/cid',
        mounts=[Mount('/t', '/s', type='bind', create_mountpoint=True, read_only_non_recursive=True),
                Mount('/v', 'vol', subpath='sub'),
                Mount('/i', 'busybox', type='image', subpath='etc'),
                Mount('/tm', None, type='tmpfs', tmpfs_options=[['noexec']])],
    )
    assert as_json(config) == {
        'NetworkMode': 'default',
        'Mounts': [{'Target': '/t', 'Source': '/s', 'Type': 'bind', 'ReadOnly': False,
                    'BindOptions': {'CreateMountpoint': True, 'ReadOnlyNonRecursive': True}},
                   {'Target': '/v', 'Source': 'vol', 'Type': 'volume', 'ReadOnly': False,
                    'VolumeOptions': {'Subpath': 'sub'}},
                   {'Target': '/i', 'Source': 'busybox', 'Type': 'image', 'ReadOnly': False,
                    'ImageOptions': {'Subpath': 'etc'}},
                   {'Target': '/tm', 'Source': None, 'Type': 'tmpfs', 'ReadOnly': False,
                    'TmpfsOptions': {'Options': [['noexec']]}}],
        'Annotations': {'com.example.team': 'infra'},
        'ConsoleSize': [24, 80],
        'MaskedPaths': ['/proc/kcore'],
        'ReadonlyPaths': ['/proc/sys'],
        'Cgroup': '',
        'IOMaximumIOps': 100,
        'IOMaximumBandwidth': 1048576,
        'ContainerIDFile': '/tmp/cid',
    }
    assert as_json(HostConfig("1.41", kernel_memory_tcp="1m")) == {
        'KernelMemoryTCP': 1048576, 'NetworkMode': 'default'}


# -- HostConfig: bad input -------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"mem_limit": "12x"}, "Invalid value for mem_limit param: '12x'"),
    ({"mem_limit": "-1"}, "mem_limit param: '-1' is negative"),
    ({"mem_limit": -5}, "is negative"),
    ({"mem_limit": True}, "Invalid type for mem_limit param"),
    ({"mem_limit": float("nan")}, "Invalid value for mem_limit param"),
    ({"mem_limit": "inf"}, "Invalid value for mem_limit param"),
    ({"memswap_limit": -2}, "memswap_limit param: -2 is negative (or -1 for unlimited)"),
    ({"mem_reservation": "lots"}, "mem_reservation"),
    ({"shm_size": "-64m"}, "shm_size"),
    ({"shm_size": [64]}, "Invalid type for shm_size param"),
    ({"mem_swappiness": "10"}, "Invalid type for mem_swappiness param: expected int but found str"),
    ({"mem_swappiness": 101}, "mem_swappiness param: 101 is outside -1..100"),
    ({"oom_score_adj": 5000}, "oom_score_adj"),
    ({"oom_score_adj": "5"}, "Invalid type for oom_score_adj param"),
    ({"cpu_quota": 1.5}, "Invalid type for cpu_quota param"),
    ({"cpu_period": "100"}, "Invalid type for cpu_period param"),
    ({"cpu_shares": "512"}, "Invalid type for cpu_shares param"),
    ({"cpuset_mems": 1}, "Invalid type for cpuset_mems param: expected str"),
    ({"blkio_weight": 5}, "blkio_weight param: 5 is outside 10..1000"),
    ({"blkio_weight_device": {"Path": "/dev/sda"}}, "blkio_weight_device"),
    ({"device_read_bps": [{"Path": "/dev/sda", "Rate": "1m"}]}, "device_read_bps"),
    ({"device_write_iops": [{"path": "/dev/sda", "rate": 1}]}, "device_write_iops"),
    ({"pids_limit": "100"}, "Invalid type for pids_limit param"),
    ({"restart_policy": "always"}, "Invalid type for restart_policy param: expected dict"),
    ({"restart_policy": {"Name": "sometimes"}}, "Invalid restart_policy name 'sometimes'"),
    ({"restart_policy": {"Name": "always", "MaximumRetryCount": 3}},
     "MaximumRetryCount needs Name 'on-failure'"),
    ({"restart_policy": {"Name": "on-failure", "MaximumRetryCount": -1}}, "MaximumRetryCount"),
    ({"restart_policy": {"Condition": "any"}}, "unknown keys ['Condition']"),
    ({"ulimits": {"name": "nofile"}}, "Invalid type for ulimits param: expected list"),
    ({"ulimits": [{"Nmae": "nofile", "Soft": 1}]}, "invalid ulimits entry"),
    ({"ulimits": [{"name": "nofile", "soft": "many"}]}, "Ulimit.soft must be an integer"),
    ({"ulimits": ["nofile=1024"]}, "ulimits entries must be Ulimit or dicts"),
    ({"log_config": "json-file"}, "Invalid type for log_config param: expected LogConfig"),
    ({"log_config": {"driver": "json-file"}}, "invalid log_config entry"),
    ({"device_requests": [{"gpus": "all"}]}, "invalid device_requests entry"),
    ({"device_requests": {"count": 1}}, "Invalid type for device_requests param"),
    ({"security_opt": "no-new-privileges"}, "Invalid type for security_opt param: expected list"),
    ({"sysctls": ["net.ipv4.ip_forward=1"]}, "Invalid type for sysctls param: expected dict"),
    ({"dns": ["dns.example.com"]}, "'dns.example.com' is not an IP address"),
    ({"dns": "8.8.8.8"}, "Invalid type for dns param"),
    ({"group_add": "audio"}, "Invalid type for group_add param"),
    ({"extra_hosts": ["nocolon"]}, "Invalid value for extra_hosts param: 'nocolon'"),
    ({"isolation": "vm"}, "Invalid value for isolation param: 'vm'"),
    ({"isolation": 1}, "Invalid type for isolation param"),
    ({"userns_mode": "private"}, "Invalid value for userns_mode param: 'private'"),
    ({"uts_mode": "private"}, "Invalid value for uts_mode param: 'private'"),
    ({"cgroupns": "shared"}, "Invalid value for cgroupns param: 'shared'"),
    ({"network_mode": "host", "port_bindings": {80: 80}},
     '"host" network_mode is incompatible with port_bindings'),
    ({"port_bindings": {80: "abc"}}, "invalid host port 'abc'"),
    ({"devices": ["/dev/sda:/dev/sdb:xyz"]}, "permissions 'xyz'"),
    ({"tmpfs": "/run"}, "Expected tmpfs value to be either a list or a dict"),
    ({"storage_opt": {"size": 10}}, "Invalid type for storage_opt param"),
    ({"mounts": "vol:/data"}, "Invalid type for mounts param"),
    ({"mounts": [{"Source": "vol"}]}, "mounts entries must be Mount objects"),
    ({"mounts": ["a:b:c:d"]}, "Invalid mount format"),
    ({"device_cgroup_rules": "c 1:3 mr"}, "Invalid type for device_cgroup_rules param: expected list"),
    ({"console_size": (80,)}, "Invalid value for console_size param"),
    ({"console_size": (-1, 80)}, "Invalid value for console_size param"),
    ({"annotations": {"a": 1}}, "Invalid type for annotations param"),
    ({"masked_paths": "/proc"}, "Invalid type for masked_paths param"),
])
def test_host_config_refuses_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        HostConfig(NEWEST, **kwargs)


def test_host_config_refuses_bad_versions() -> None:
    with pytest.raises(InvalidVersion, match="invalid API version"):
        HostConfig("latest")
    with pytest.raises(InvalidVersion, match="must be a string"):
        HostConfig(1.41)  # type: ignore[arg-type]


# -- version gates ---------------------------------------------------------------------------------

HOST_CONFIG_GATES = [
    # docker-py's own gates (above 1.24)
    ({"cpu_rt_period": 1000}, "CpuRealtimePeriod", "1.25"),
    ({"cpu_rt_runtime": 1000}, "CpuRealtimeRuntime", "1.25"),
    ({"auto_remove": True}, "AutoRemove", "1.25"),
    ({"init": True}, "Init", "1.25"),
    ({"init_path": "/usr/bin/docker-init"}, "InitPath", "1.25"),
    ({"cpu_count": 2}, "CpuCount", "1.25"),
    ({"nano_cpus": 10**9}, "NanoCpus", "1.25"),
    ({"runtime": "runc"}, "Runtime", "1.25"),
    ({"mounts": [Mount('/t', 'v')]}, "Mounts", "1.25"),
    ({"device_cgroup_rules": ["c 1:3 mr"]}, "DeviceCgroupRules", "1.28"),
    ({"device_requests": [DeviceRequest(count=-1)]}, "DeviceRequests", "1.40"),
    ({"cgroupns": "private"}, "CgroupnsMode", "1.41"),
    # beyond docker-py
    ({"cgroup": "x"}, "Cgroup", "1.25"),
    ({"masked_paths": ["/proc/kcore"]}, "MaskedPaths", "1.38"),
    ({"readonly_paths": ["/proc/sys"]}, "ReadonlyPaths", "1.38"),
    ({"kernel_memory_tcp": 1 << 20}, "KernelMemoryTCP", "1.40"),
    ({"console_size": (24, 80)}, "ConsoleSize", "1.42"),
    ({"annotations": {"a": "b"}}, "Annotations", "1.43"),
    ({"mounts": [Mount('/t', 's', consistency='cached')]}, "Mounts-Consistency", "1.28"),
    ({"mounts": [Mount('/t', '/s', type='bind', non_recursive=True)]},
     "Mounts-BindOptions-NonRecursive", "1.40"),
    ({"mounts": [Mount('/t', '/s', type='bind', create_mountpoint=True)]},
     "Mounts-BindOptions-CreateMountpoint", "1.42"),
    ({"mounts": [Mount('/t', 'cv', type='cluster')]}, "Mounts-Type-cluster", "1.42"),
    ({"mounts": [Mount('/t', '/s', type='bind', read_only_non_recursive=True)]},
     "Mounts-BindOptions-ReadOnlyNonRecursive", "1.44"),
    ({"mounts": [Mount('/t', '/s', type='bind', read_only_force_recursive=True)]},
     "Mounts-BindOptions-ReadOnlyForceRecursive", "1.44"),
    ({"mounts": [Mount('/t', 'v', subpath='x')]}, "Mounts-VolumeOptions-Subpath", "1.45"),
    ({"mounts": [Mount('/t', None, type='tmpfs', tmpfs_options=[['noexec']])]},
     "Mounts-TmpfsOptions-Options", "1.46"),
    ({"mounts": [Mount('/t', 'busybox', type='image')]}, "Mounts-Type-image", "1.48"),
]


def _previous(version: str) -> str:
    major, minor = versions.parse_version(version)
    return f"{major}.{minor - 1}"


@pytest.mark.parametrize("kwargs, field, first", HOST_CONFIG_GATES,
                         ids=[f"{gate[1]}" for gate in HOST_CONFIG_GATES])
def test_host_config_version_gates(kwargs: dict[str, Any], field: str, first: str) -> None:
    feature = f"POST /containers/create {field}"
    assert versions.FEATURES[feature] == first
    param = next(iter(kwargs))
    too_old = _previous(first)
    with pytest.raises(InvalidVersion) as info:
        HostConfig(too_old, **kwargs)
    message = str(info.value)
    assert feature in message and first in message and too_old in message and param in message
    with pytest.raises(InvalidVersion) as info:
        HostConfig(OLDEST, **kwargs)
    # a mount's newer option at 1.24 is refused for Mounts itself first
    gated = field.split('-')[0]
    assert re.search(rf"^{param}.*: POST /containers/create {gated}\b.* 1\.24$", str(info.value))
    HostConfig(first, **kwargs)
    if field not in ("InitPath", "KernelMemoryTCP"):
        HostConfig(NEWEST, **kwargs)


def test_host_config_removed_fields() -> None:
    HostConfig("1.28", init_path="/usr/bin/docker-init")
    with pytest.raises(InvalidVersion, match=r"init_path .* removed in API version 1\.29"):
        HostConfig("1.29", init_path="/usr/bin/docker-init")
    HostConfig("1.51", kernel_memory_tcp=1 << 20)
    with pytest.raises(InvalidVersion, match=r"kernel_memory_tcp .* removed in API version 1\.52"):
        HostConfig("1.52", kernel_memory_tcp=1 << 20)


def test_nothing_is_gated_at_or_below_the_oldest_version() -> None:
    # docker-py gated these at 1.22-1.24, and cpu_percent at 1.25 though the 1.24 spec has it
    HostConfig(OLDEST, blkio_weight=500, device_read_bps=[{"Path": "/dev/sda", "Rate": 1}], tmpfs=["/run"],
               userns_mode="host", pids_limit=10, isolation="default", storage_opt={"size": "1G"},
               oom_score_adj=10, cpu_percent=50, pid_mode="container:abc")


def test_container_config_version_gates() -> None:
    with pytest.raises(InvalidVersion, match=r"stop_timeout: POST /containers/create StopTimeout needs API "
                                             r"version 1\.25 or newer; this client is using 1\.24"):
        ContainerConfig(OLDEST, "img", None, stop_timeout=5)
    ContainerConfig("1.25", "img", None, stop_timeout=5)
    with pytest.raises(InvalidVersion, match="Healthcheck-StartPeriod needs API version 1.29"):
        ContainerConfig("1.28", "img", None, healthcheck={"test": "true", "start_period": 10**9})
    # docker-py refused any Healthcheck below 1.29 (its StartPeriod key is always there); we don't
    ContainerConfig(OLDEST, "img", None, healthcheck=Healthcheck(test="true"))
    ContainerConfig("1.29", "img", None, healthcheck={"test": "true", "start_period": 10**9})
    with pytest.raises(InvalidVersion, match="Healthcheck-StartInterval needs API version 1.44"):
        ContainerConfig("1.43", "img", None, healthcheck=Healthcheck(start_interval=10**9))
    ContainerConfig("1.44", "img", None, healthcheck=Healthcheck(start_interval=10**9))
    two = NetworkingConfig({"a": EndpointConfig(NEWEST), "b": EndpointConfig(NEWEST)})
    with pytest.raises(InvalidVersion, match="EndpointsConfig-multiple needs API version 1.44"):
        ContainerConfig("1.43", "img", None, networking_config=two)
    ContainerConfig("1.44", "img", None, networking_config=two)
    ContainerConfig("1.51", "img", None, mac_address="02:42:ac:11:00:02")
    with pytest.raises(InvalidVersion, match=r"removed in API version 1\.52.*create_endpoint_config"):
        ContainerConfig("1.52", "img", None, mac_address="02:42:ac:11:00:02")


def test_endpoint_config_version_gates() -> None:
    gates: list[tuple[dict[str, Any], str, str]] = [
        ({"driver_opt": {"a": "b"}}, "DriverOpts", "1.32"),
        ({"mac_address": "02:42:ac:11:00:02"}, "MacAddress", "1.25"),
        ({"gw_priority": 10}, "GwPriority", "1.48"),
    ]
    for kwargs, field, first in gates:
        feature = f"POST /containers/create EndpointsConfig-{field}"
        assert versions.FEATURES[feature] == first
        with pytest.raises(InvalidVersion, match=re.escape(feature)):
            EndpointConfig(OLDEST, **kwargs)
        with pytest.raises(InvalidVersion, match=re.escape(feature)):
            EndpointConfig(_previous(first), **kwargs)
        EndpointConfig(first, **kwargs)


# -- ContainerConfig -------------------------------------------------------------------------------

@pytest.mark.parametrize("args, kwargs, expected", [
    pytest.param(
        ('img', None),
        {},
        {'Hostname': None,
         'Domainname': None,
         'ExposedPorts': None,
         'User': None,
         'Tty': False,
         'OpenStdin': False,
         'StdinOnce': False,
         'AttachStdin': False,
         'AttachStdout': True,
         'AttachStderr': True,
         'Env': None,
         'Cmd': None,
         'Image': 'img',
         'Volumes': None,
         'NetworkDisabled': False,
         'Entrypoint': None,
         'WorkingDir': None,
         'HostConfig': None,
         'NetworkingConfig': None,
         'MacAddress': None,
         'Labels': None,
         'StopSignal': None,
         'Healthcheck': None,
         'StopTimeout': None,
         'Runtime': None},
        id='minimal'),
    pytest.param(
        ('img', 'echo "a b"'),
        {'hostname': 'h',
         'user': 1000,
         'detach': True,
         'stdin_open': True,
         'tty': True,
         'ports': [80, (53, 'udp'), '8080'],
         'environment': {'A': '1', 'B': None},
         'volumes': '/data'},
        {'Hostname': 'h',
         'Domainname': None,
         'ExposedPorts': {'80/tcp': {}, '53/udp': {}, '8080/tcp': {}},
         'User': '1000',
         'Tty': True,
         'OpenStdin': True,
         'StdinOnce': False,
         'AttachStdin': False,
         'AttachStdout': False,
         'AttachStderr': False,
         'Env': ['A=1', 'B'],
         'Cmd': ['echo', 'a b'],
         'Image': 'img',
         'Volumes': {'/data': {}},
         'NetworkDisabled': False,
         'Entrypoint': None,
         'WorkingDir': None,
         'HostConfig': None,
         'NetworkingConfig': None,
         'MacAddress': None,
         'Labels': None,
         'StopSignal': None,
         'Healthcheck': None,
         'StopTimeout': None,
         'Runtime': None},
        id='string_command_and_dict_env'),
    pytest.param(
        ('img', ['sh']),
        {'stdin_open': True,
         'volumes': ['/a', '/b'],
         'network_disabled': True,
         'entrypoint': 'sh -c',
         'working_dir': '/w',
         'domainname': 'd',
         'host_config': {'NetworkMode': 'default'},
         'mac_address': '02:42:ac:11:00:02',
         'labels': ['x', 'y'],
         'stop_signal': 'SIGINT',
         'networking_config': {'EndpointsConfig': {'n': {}}},
         'healthcheck': {'test': 'true', 'interval': 1000000000},
         'stop_timeout': 5,
         'runtime': 'runc'},
        {'Hostname': None,
         'Domainname': 'd',
         'ExposedPorts': None,
         'User': None,
         'Tty': False,
         'OpenStdin': True,
         'StdinOnce': True,
         'AttachStdin': True,
         'AttachStdout': True,
         'AttachStderr': True,
         'Env': None,
         'Cmd': ['sh'],
         'Image': 'img',
         'Volumes': {'/a': {}, '/b': {}},
         'NetworkDisabled': True,
         'Entrypoint': ['sh', '-c'],
         'WorkingDir': '/w',
         'HostConfig': {'NetworkMode': 'default'},
         'NetworkingConfig': {'EndpointsConfig': {'n': {}}},
         'MacAddress': '02:42:ac:11:00:02',
         'Labels': {'x': '', 'y': ''},
         'StopSignal': 'SIGINT',
         'Healthcheck': {'Test': ['CMD-SHELL', 'true'],
                         'Interval': 1000000000,
                         'Timeout': None,
                         'Retries': None,
                         'StartPeriod': None},
         'StopTimeout': 5,
         'Runtime': 'runc'},
        id='attached_stdin_everything'),
    pytest.param(
        ('img', None),
        {'labels': {'a': 'b'},
         'environment': ['A=1'],
         'healthcheck': {'Test': ['CMD', 'true'], 'StartPeriod': 1000000000}},
        {'Hostname': None,
         'Domainname': None,
         'ExposedPorts': None,
         'User': None,
         'Tty': False,
         'OpenStdin': False,
         'StdinOnce': False,
         'AttachStdin': False,
         'AttachStdout': True,
         'AttachStderr': True,
         'Env': ['A=1'],
         'Cmd': None,
         'Image': 'img',
         'Volumes': None,
         'NetworkDisabled': False,
         'Entrypoint': None,
         'WorkingDir': None,
         'HostConfig': None,
         'NetworkingConfig': None,
         'MacAddress': None,
         'Labels': {'a': 'b'},
         'StopSignal': None,
         'Healthcheck': {'Test': ['CMD', 'true'],
                         'Interval': None,
                         'Timeout': None,
                         'Retries': None,
                         'StartPeriod': 1000000000},
         'StopTimeout': None,
         'Runtime': None},
        id='label_dict_env_list_healthcheck'),
])
def test_container_config_matches_docker_py(args: tuple[Any, ...], kwargs: dict[str, Any],
                                            expected: dict[str, Any]) -> None:
    assert as_json(ContainerConfig("1.41", *args, **kwargs)) == expected


def test_container_config_ports_beyond_docker_py() -> None:
    config = ContainerConfig(NEWEST, "img", None, ports=["53/udp", "8000-8002", (9000, "sctp")])
    assert config["ExposedPorts"] == {"53/udp": {}, "8000-8002/tcp": {}, "9000/sctp": {}}
    # docker-py made "53/udp/tcp" of the first
    assert ContainerConfig(NEWEST, "img", None, ports={"80/tcp": {}})["ExposedPorts"] == {"80/tcp": {}}


@pytest.mark.parametrize("args, kwargs, message", [
    (("", None), {}, "image must be a non-empty string"),
    ((None, None), {}, "image must be a non-empty string"),
    (("img", 'echo "x'), {}, "cannot split command"),
    (("img", ["echo", 1]), {}, "Invalid type for command param"),
    (("img", None), {"entrypoint": 5}, "Invalid type for entrypoint param"),
    (("img", None), {"ports": [99999]}, "invalid port 99999"),
    (("img", None), {"ports": ["http"]}, "invalid port 'http'"),
    (("img", None), {"ports": [(80, "icmp")]}, "unknown protocol 'icmp'"),
    (("img", None), {"ports": ["90-80"]}, "invalid port '90-80'"),
    (("img", None), {"environment": ["A=1", 2]}, "Invalid type for environment param"),
    (("img", None), {"labels": {"a": 1}}, "Invalid type for labels param"),
    (("img", None), {"labels": [1]}, "Invalid type for labels param"),
    (("img", None), {"volumes": [1]}, "Invalid type for volumes param"),
    (("img", None), {"stop_timeout": "10"}, "Invalid type for stop_timeout param"),
    (("img", None), {"healthcheck": "true"}, "healthcheck must be a Healthcheck or a dict"),
    (("img", None), {"healthcheck": {"tset": "true"}}, "invalid healthcheck entry"),
    (("img", None), {"healthcheck": {"interval": 5}}, "at least 1000000 ns"),
    (("img", None), {"host_config": ["NetworkMode"]}, "host_config must be a HostConfig"),
])
def test_container_config_refuses_bad_input(args: tuple[Any, ...], kwargs: dict[str, Any],
                                            message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        ContainerConfig(NEWEST, *args, **kwargs)


# -- networks --------------------------------------------------------------------------------------

def test_endpoint_and_networking_config() -> None:
    assert EndpointConfig('1.44', aliases=['a'], links={'c': 'd'}, ipv4_address='172.28.0.2',
                          ipv6_address='fd00::2', link_local_ips=['169.254.1.1'],
                          driver_opt={'x': 'y'}, mac_address='02:42:ac:11:00:02') == {
        'Aliases': ['a'], 'Links': ['c:d'], 'MacAddress': '02:42:ac:11:00:02',
        'IPAMConfig': {'IPv4Address': '172.28.0.2', 'IPv6Address': 'fd00::2',
                       'LinkLocalIPs': ['169.254.1.1']},
        'DriverOpts': {'x': 'y'}}
    assert EndpointConfig('1.41') == {}
    assert EndpointConfig(NEWEST, gw_priority=10) == {'GwPriority': 10}
    assert NetworkingConfig({'n': EndpointConfig('1.41')}) == {'EndpointsConfig': {'n': {}}}
    assert NetworkingConfig() == {}


@pytest.mark.parametrize("kwargs, message", [
    ({"ipv4_address": "fd00::1"}, "ipv4_address must be an IPv4 address"),
    ({"ipv4_address": "300.1.1.1"}, "ipv4_address must be an IPv4 address"),
    ({"ipv6_address": "10.0.0.1"}, "ipv6_address must be an IPv6 address"),
    ({"link_local_ips": ["nope"]}, "link_local_ips must be an IP address"),
    ({"link_local_ips": "169.254.1.1"}, "link_local_ips must be a list"),
    ({"driver_opt": ["a=b"]}, "driver_opt must be a dict of strings"),
    ({"aliases": "web"}, "aliases must be a list of strings"),
    ({"gw_priority": "high"}, "gw_priority must be an integer"),
    ({"links": [42]}, "invalid link 42"),
])
def test_endpoint_config_refuses_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        EndpointConfig(NEWEST, **kwargs)


def test_networking_config_refuses_bad_input() -> None:
    with pytest.raises(InvalidArgument, match="endpoints_config must be a dict of network name"):
        NetworkingConfig({"net": "alias"})  # type: ignore[dict-item]


def test_ipam() -> None:
    assert IPAMConfig() == {'Driver': 'default', 'Config': []}
    assert IPAMPool() == {'Subnet': None, 'IPRange': None, 'Gateway': None, 'AuxiliaryAddresses': None}
    pool = IPAMPool(subnet='10.0.0.0/24', iprange='10.0.0.0/25', gateway='10.0.0.1',
                    aux_addresses={'a': '10.0.0.2'})
    assert IPAMConfig(driver='x', pool_configs=[pool], options={'o': '1'}) == {
        'Driver': 'x',
        'Config': [{'Subnet': '10.0.0.0/24', 'IPRange': '10.0.0.0/25', 'Gateway': '10.0.0.1',
                    'AuxiliaryAddresses': {'a': '10.0.0.2'}}],
        'Options': {'o': '1'}}
    with pytest.raises(InvalidArgument, match="IPAMConfig options must be a dictionary"):
        IPAMConfig(options=['o'])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="pool_configs must be a list of IPAMPool"):
        IPAMConfig(pool_configs='10.0.0.0/24')  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="subnet must be in CIDR notation"):
        IPAMPool(subnet='10.0.0.0/33')
    with pytest.raises(InvalidArgument, match="gateway must be an IP address"):
        IPAMPool(gateway='gw')
    with pytest.raises(InvalidArgument, match="aux_addresses must be an IP address"):
        IPAMPool(aux_addresses={'a': 'b'})


# -- the client methods ----------------------------------------------------------------------------

HOST = "http://127.0.0.1:2375"
CREATE_URL = f"{HOST}/v1.41/containers/create"


def test_client_has_the_container_config_methods() -> None:
    assert issubclass(Client, ContainerConfigMixin)
    for name in ["create_container", "create_container_from_config", "create_container_config",
                 "create_host_config", "create_networking_config", "create_endpoint_config"]:
        assert callable(getattr(Client, name)), name


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.POST, CREATE_URL, json={"Id": "abc", "Warnings": []}, status=201)
        yield rsps


def _client(version: str = "1.41") -> Client:
    return Client(base_url="tcp://127.0.0.1:2375", version=version)


def _sent(rsps: responses.RequestsMock) -> tuple[str, Any]:
    request = rsps.calls[-1].request
    assert request.headers["Content-Type"] == "application/json"
    return request.path_url, json.loads(request.body or b"{}")


def test_builders_use_the_client_version() -> None:
    with _client("1.24") as client:
        assert client.create_host_config(mem_limit="1m") == {'Memory': 1048576, 'NetworkMode': 'default'}
        assert client.create_host_config(["/a:/b"]) == {'Binds': ['/a:/b'], 'NetworkMode': 'default'}
        with pytest.raises(InvalidVersion, match="AutoRemove"):
            client.create_host_config(auto_remove=True)
        with pytest.raises(TypeError, match="unexpected keyword argument 'version'"):
            client.create_host_config(version="1.41")
        with pytest.raises(InvalidVersion, match="EndpointsConfig-DriverOpts"):
            client.create_endpoint_config(driver_opt={"a": "b"})
        assert client.create_endpoint_config(aliases=["x"]) == {"Aliases": ["x"]}
        assert client.create_networking_config({"n": {}}) == {"EndpointsConfig": {"n": {}}}
        assert client.create_container_config("img", "true")["Cmd"] == ["true"]


def test_create_container_sends_docker_py_body(mocked: responses.RequestsMock) -> None:
    with _client() as client:
        host_config = client.create_host_config(port_bindings={80: 8080}, restart_policy={"Name": "always"})
        result = client.create_container("img", "sh -c 'echo hi'", ports=[80], environment={"A": "1"},
                                         host_config=host_config, name="web", labels=["x"])
    assert result == {"Id": "abc", "Warnings": []}
    path, body = _sent(mocked)
    assert path == "/v1.41/containers/create?name=web"
    assert body == {
        'Tty': False, 'OpenStdin': False, 'StdinOnce': False, 'AttachStdin': False,
        'AttachStdout': True, 'AttachStderr': True, 'ExposedPorts': {'80/tcp': {}}, 'Env': ['A=1'],
        'Cmd': ['sh', '-c', 'echo hi'], 'Image': 'img', 'NetworkDisabled': False,
        'HostConfig': {'NetworkMode': 'default', 'RestartPolicy': {'Name': 'always'},
                       'PortBindings': {'80/tcp': [{'HostIp': '', 'HostPort': '8080'}]}},
        'Labels': {'x': ''},
    }


def test_create_container_bad_input_sends_nothing(mocked: responses.RequestsMock) -> None:
    with _client() as client:
        with pytest.raises(InvalidArgument):
            client.create_container("img", ports=["80:abc"])
        with pytest.raises(InvalidVersion, match="POST /containers/create platform needs API version 1.41"):
            _client("1.40").create_container("img", platform="linux/amd64")
    assert len(mocked.calls) == 0


def test_create_container_platform(mocked: responses.RequestsMock) -> None:
    with _client() as client:
        client.create_container("img", platform="linux/amd64", volumes="/data")
    path, body = _sent(mocked)
    assert path == "/v1.41/containers/create?platform=linux%2Famd64"
    assert body["Volumes"] == {"/data": {}}


def _write_proxies(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"proxies": {
        "default": {"httpProxy": "http://proxy:3128", "noProxy": "localhost"},
        "tcp://127.0.0.1:2375": {"httpProxy": "http://p1:1", "httpsProxy": "http://p2:2",
                                 "ftpProxy": "ftp://p3:3", "noProxy": "*.local"},
    }}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))


def test_create_container_injects_config_proxies(mocked: responses.RequestsMock,
                                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _write_proxies(monkeypatch, tmp_path)
    with _client() as client:
        client.create_container("img", "true", environment={"A": "1", "http_proxy": "mine"})
        # the values docker-py sends: the daemon's own entry, ahead of the caller's variables
        assert _sent(mocked)[1]["Env"] == [
            'http_proxy=http://p1:1', 'HTTP_PROXY=http://p1:1', 'https_proxy=http://p2:2',
            'HTTPS_PROXY=http://p2:2', 'ftp_proxy=ftp://p3:3', 'FTP_PROXY=ftp://p3:3',
            'no_proxy=*.local', 'NO_PROXY=*.local', 'A=1', 'http_proxy=mine']
        client.create_container("img", use_config_proxy=False, environment=[])
        assert _sent(mocked)[1]["Env"] == []
        client.create_container("img", use_config_proxy=False)
        assert "Env" not in _sent(mocked)[1]


def test_create_container_default_proxies(mocked: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    _write_proxies(monkeypatch, tmp_path)
    mocked.add(responses.POST, "http://127.0.0.1:2376/v1.41/containers/create", json={"Id": "x"}, status=201)
    with Client(base_url="tcp://127.0.0.1:2376", version="1.41") as client:
        client.create_container("img")
    assert _sent(mocked)[1]["Env"] == ['http_proxy=http://proxy:3128', 'HTTP_PROXY=http://proxy:3128',
                                       'no_proxy=localhost', 'NO_PROXY=localhost']


def test_proxy_environment() -> None:
    assert ProxyConfig.from_dict({}).inject_proxy_environment(None) is None
    config = ProxyConfig.from_dict({"httpsProxy": "https://p", "httpProxy": ""})
    assert config.https == "https://p" and config.http == ""
    assert config.inject_proxy_environment(None) == ["https_proxy=https://p", "HTTPS_PROXY=https://p"]
    # the caller's own variables come after, so they win
    assert config.inject_proxy_environment(["https_proxy=mine"]) == [
        "https_proxy=https://p", "HTTPS_PROXY=https://p", "https_proxy=mine"]
    assert str(config) == "ProxyConfig(http=, https=https://p, ftp=None, no_proxy=None)"


def test_create_container_from_config_surfaces_daemon_errors(mocked: responses.RequestsMock) -> None:
    mocked.replace(responses.POST, CREATE_URL, json={"message": "No such image: nope:latest"}, status=404)
    with _client() as client:
        from docker_client.errors import ImageNotFound

        with pytest.raises(ImageNotFound):
            client.create_container_from_config({"Image": "nope"}, name="x")
