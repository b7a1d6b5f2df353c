#!/usr/bin/env python3
"""Private Docker Engine test harness for docker_client.

Starts a throw-away daemon of one of three engines (``--engine``) plus everything the
integration tests talk to, all inside a network namespace of its own, and tears it all down:

* docker20 (default): the machine's containerd + dockerd 20.10 (data-root, exec-root, sockets
  and pidfiles under STATE), on ``unix://STATE/docker.sock`` and, with mutual TLS, on
  ``tcp://127.0.0.1:2376``;
* docker28: dockerd 28 from the cached Debian sid root (scripts/sidroot.py), run in a mount
  namespace whose root is that directory (pivot_root); plus a second Engine 28 in a second
  network namespace, joined by a veth pair, for the two-node swarm (``DC_TEST_PEER_HOST``);
* podman: Podman 5's Docker-compatible API from the same root, on ``unix://STATE/docker.sock``,
  with TLS on 2376 from scripts/relay.py;
* a plain-TCP byte relay ``127.0.0.1:2375`` -> ``STATE/docker.sock`` (scripts/relay.py);
* a registry on ``127.0.0.1:5000`` (no auth) and one on ``127.0.0.1:5001``
  (htpasswd basic auth);
* sshd on ``127.0.0.1:2222`` whose authorized key points the remote
  ``docker`` CLI at the private daemon (for ``ssh://`` transports);
* the test image ``dctest/busybox:latest`` imported from a busybox rootfs.

Why a network namespace: two dockerd on one machine fight over the docker0
bridge and iptables, and the fixed loopback ports (2375, 2376, 5000, 5001,
2222) must not collide with anything on the host or with a second harness.
The unix socket is a filesystem path, so it is reachable from outside too.

Subcommands (all need root)::

    privdaemon.py run [--engine E] [--state DIR] [--no-install] [--selftest] [--keep-logs DIR] -- CMD...
    privdaemon.py start [--engine E] [--state DIR] [--no-install]   # prints export lines
    privdaemon.py exec [--state DIR] -- CMD ARGS...
    privdaemon.py env [--state DIR]
    privdaemon.py ensure [--engine E] [--state DIR] [--no-install]  # reuse or start
    privdaemon.py selftest [--state DIR]
    privdaemon.py stop [--state DIR]

CMD gets DOCKER_HOST and the DC_TEST_* variables (see ``Stack.env``; ``env``
prints them).  Besides those, STATE/ssh/known_hosts holds the sshd host key
for clients that check it, and STATE/logs/ the services' logs.

``run`` uses a fresh ``/tmp/dct-XXXXXXXX`` state dir unless ``--state`` is
given; the other subcommands default to ``$DC_TEST_STATE`` or
``/tmp/docker_client-test``.  Exit code of ``run`` is CMD's exit code
(128+N if CMD died of signal N); 125 if the harness itself failed.

Only the Python standard library is used, so this runs before any virtualenv
exists.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import sidroot
from harness_install import BUSYBOX, ensure_installed
from harness_proc import (
    HarnessError,
    UnixHTTPConnection,
    alive,
    comm,
    http_get,
    http_post_unix,
    is_static_elf,
    kill_and_wait,
    log,
    need,
    net_ns_of,
    our_service,
    ping_unix,
    proc_stat,
    root_mount_below,
    run_quiet,
    service_env,
    setns_net,
    tail,
    unescape_mount,
    which,
)

# --------------------------------------------------------------------------
# constants

DEFAULT_STATE = "/tmp/docker_client-test"
RUN_STATE_PREFIX = "/tmp/dct-"
MARKER = ".privdaemon.json"
RELAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "relay.py")

PLAIN_PORT = 2375
TLS_PORT = 2376
REGISTRY_PORT = 5000
AUTH_REGISTRY_PORT = 5001
SSH_PORT = 2222

IMAGE_REPO = "dctest/busybox"
IMAGE_TAG = "latest"
IMAGE = "%s:%s" % (IMAGE_REPO, IMAGE_TAG)
REGISTRY_USER = "dctest"
REGISTRY_PASSWORD = "dctest-pass"

HARNESS_FAILED = 125
API_VERSION = "1.41"

# The engines the harness can start.  docker20 is the machine's own (Debian bookworm's docker.io);
# the others run from the cached Debian sid root (scripts/sidroot.py) in a mount namespace whose
# root that directory is.
ENGINES = ("docker20", "docker28", "podman")
DEFAULT_ENGINE = "docker20"
# The newest API version each one speaks (what negotiation arrives at).
ENGINE_API = {"docker20": "1.41", "docker28": "1.51", "podman": "1.44"}
SID_ENGINES = ("docker28", "podman")
# The two-node swarm (docker28 only): a second Engine 28 in a network namespace of its own, joined
# to the first by a veth pair whose addresses exist only inside those two namespaces.
SWARM_SUBNET = "10.213.77"
MANAGER_ADDR = SWARM_SUBNET + ".1"
PEER_ADDR = SWARM_SUBNET + ".2"
VETH = ("dctest-mgr", "dctest-peer")

# ... and from CMD's environment, because they change what Client() does.
CMD_ENV_DROP = ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT")


class Interrupted(BaseException):
    """Raised from our SIGINT/SIGTERM handler."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# --------------------------------------------------------------------------
# the state directory


class Stack:
    def __init__(self, state: str | Path, engine: Optional[str] = None) -> None:
        self.state = Path(os.path.abspath(str(state)))
        self.procs: Dict[str, subprocess.Popen] = {}  # type: ignore[type-arg]
        self.timings: List[Tuple[str, float]] = []
        if engine is None:
            engine = str((self.read_marker() or {}).get("engine") or DEFAULT_ENGINE)
        if engine not in ENGINES:
            raise HarnessError("unknown engine %r (one of: %s)" % (engine, ", ".join(ENGINES)))
        self.engine = engine
        self.root: Optional[Path] = None  # the sid root, for SID_ENGINES

    @property
    def daemon(self) -> str:
        """The name (process record, log file) of the engine's API server."""
        return "podman" if self.engine == "podman" else "dockerd"

    @property
    def peer_sock(self) -> Path:
        return self.state / "peer" / "docker.sock"

    # paths -------------------------------------------------------------
    @property
    def sock(self) -> Path:
        return self.state / "docker.sock"

    @property
    def certs(self) -> Path:
        return self.state / "certs"

    @property
    def ssh(self) -> Path:
        return self.state / "ssh"

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def pids(self) -> Path:
        return self.state / "pids"

    @property
    def marker(self) -> Path:
        return self.state / MARKER

    def env(self) -> Dict[str, str]:
        s = str(self.state)
        env = {
            "DOCKER_HOST": "unix://%s" % self.sock,
            "DC_TEST_DAEMON": "1",
            "DC_TEST_STATE": s,
            "DC_TEST_TCP_HOST": "tcp://127.0.0.1:%d" % PLAIN_PORT,
            "DC_TEST_TLS_HOST": "tcp://127.0.0.1:%d" % TLS_PORT,
            "DC_TEST_CERT_PATH": str(self.certs),
            "DC_TEST_SSH_HOST": "ssh://root@127.0.0.1:%d" % SSH_PORT,
            "DC_TEST_SSH_CONFIG": str(self.ssh / "config"),
            "DC_TEST_SSH_KEY": str(self.ssh / "id_ed25519"),
            "DC_TEST_IMAGE": IMAGE,
            "DC_TEST_REGISTRY": "127.0.0.1:%d" % REGISTRY_PORT,
            "DC_TEST_AUTH_REGISTRY": "127.0.0.1:%d" % AUTH_REGISTRY_PORT,
            "DC_TEST_REGISTRY_USER": REGISTRY_USER,
            "DC_TEST_REGISTRY_PASSWORD": REGISTRY_PASSWORD,
            "DC_TEST_ENGINE": self.engine,
            "DC_TEST_DAEMON_API": ENGINE_API[self.engine],
        }
        if self.engine == "podman":
            # Podman's /auth logs in over plain HTTP only to "localhost" registries (its compat
            # handler skips TLS for those alone); the registry listens on 127.0.0.1 either way.
            env["DC_TEST_AUTH_REGISTRY"] = "localhost:%d" % AUTH_REGISTRY_PORT
        if self.engine == "docker28":
            env.update({
                "DC_TEST_PEER_HOST": "unix://%s" % self.peer_sock,
                "DC_TEST_MANAGER_ADDR": MANAGER_ADDR,
                "DC_TEST_PEER_ADDR": PEER_ADDR,
            })
        return env

    def export_lines(self) -> str:
        return "".join("export %s=%s\n" % (k, shlex.quote(v)) for k, v in self.env().items())

    def cmd_env(self) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in CMD_ENV_DROP}
        env.update(self.env())
        return env

    # marker / pid bookkeeping -----------------------------------------
    def read_marker(self) -> Optional[dict]:  # type: ignore[type-arg]
        try:
            return json.loads(self.marker.read_text())  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return None

    def write_marker(self, **info: object) -> None:
        data = self.read_marker() or {}
        data.update(info)
        tmp = self.marker.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1))
        tmp.replace(self.marker)

    def record_pid(self, name: str, pid: int) -> None:
        st = proc_stat(pid)
        self.pids.mkdir(exist_ok=True)
        (self.pids / name).write_text("%d %d\n" % (pid, st[1] if st else 0))

    def recorded_pid(self, name: str) -> Optional[Tuple[int, int]]:
        try:
            pid, start = (self.pids / name).read_text().split()
            return int(pid), int(start)
        except (OSError, ValueError):
            return None

    def holder_alive(self) -> bool:
        rec = self.recorded_pid("holder")
        return rec is not None and alive(*rec)

    def is_running(self) -> bool:
        rec = self.recorded_pid(self.daemon)
        return (self.marker.exists() and self.holder_alive() and rec is not None and alive(*rec)
                and ping_unix(str(self.sock)))

    # starting ----------------------------------------------------------
    def spawn(self, name: str, argv: Sequence[str],
              env: Optional[Dict[str, str]] = None) -> subprocess.Popen[bytes]:
        self.logs.mkdir(exist_ok=True)
        with open(str(self.logs / ("%s.log" % name)), "ab") as logf:
            p = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                                 env=env if env is not None else service_env(), start_new_session=True)
        self.procs[name] = p
        self.record_pid(name, p.pid)
        return p

    def spawn_in_root(self, name: str, argv: Sequence[str], holder: str = "holder",
                      env: Optional[Dict[str, str]] = None) -> subprocess.Popen[bytes]:
        """Start argv (paths inside the sid root) in holder's network and mount namespaces.

        nsenter joins them and execs argv in the same process, so the recorded pid is the
        daemon's own."""
        rec = self.recorded_pid(holder)
        if rec is None:
            raise HarnessError("no %s to start %s in" % (holder, name))
        enter = [need("nsenter"), "--target", str(rec[0]), "--net", "--mount", "--"]
        return self.spawn(name, enter + list(argv), env=env)

    def timed(self, what: str, t0: float) -> None:
        self.timings.append((what, time.monotonic() - t0))

    def prepare_dir(self) -> None:
        st = self.state
        if st.exists():
            if self.read_marker() is not None:
                if self.is_running():
                    raise HarnessError("%s already holds a running daemon (use stop, or ensure)" % st)
                log("cleaning up stale state in %s" % st)
                problems = Stack(st).teardown()  # with the engine recorded there
                if problems:
                    raise HarnessError("could not clean up %s: %s" % (st, "; ".join(problems)))
            elif any(st.iterdir()):
                raise HarnessError("%s exists, is not empty and is not a privdaemon state dir" % st)
        if len(str(self.state / "exec" / "containerd" / "containerd-debug.sock")) > 100:
            raise HarnessError("state dir path too long for unix sockets: %s" % st)
        st.mkdir(parents=True, exist_ok=True)
        st.chmod(0o711)
        self.write_marker(created=time.time(), creator_pid=os.getpid())
        for sub in ("logs", "pids", "certs", "ssh", "data", "exec", "registry", "registry-auth"):
            (st / sub).mkdir(exist_ok=True)

    def start_holder(self, name: str = "holder") -> int:
        """A long-lived process owning the network namespace (and, for the sid engines, a mount
        namespace whose root is the sid root)."""
        own = net_ns_of("self")
        if self.root is not None:
            shared = ["/tmp"]
            if not str(self.state).startswith("/tmp/"):
                shared.append(str(self.state))
            argv = [need("unshare"), "--net", "--mount", "--propagation", "private", "--",
                    "/bin/sh", "-c", sidroot.nsroot_script(self.root, shared)]
        else:
            argv = [need("unshare"), "--net", "--", need("sleep"), "infinity"]
        p = self.spawn(name, argv)
        deadline = time.monotonic() + 10
        while True:
            ns = net_ns_of(p.pid)
            # The sid holder execs sleep once its root is in place.
            if ns is not None and ns != own and p.poll() is None and comm(p.pid) == "sleep":
                break
            if p.poll() is not None or time.monotonic() > deadline:
                raise HarnessError("could not create the namespaces of %s (%s):\n%s"
                                   % (name, " ".join(argv[:5]), tail(self.logs / ("%s.log" % name))))
            time.sleep(0.01)
        self.write_marker(**{"netns" if name == "holder" else name + "_netns": net_ns_of(p.pid)})
        return p.pid

    def start(self) -> None:
        """Start everything; prepare_dir() must have been called."""
        t_all = time.monotonic()
        self.write_marker(engine=self.engine)
        if self.engine in SID_ENGINES:
            t0 = time.monotonic()
            try:
                self.root = sidroot.ensure(log)
            except sidroot.SidRootError as e:
                raise HarnessError(str(e)) from None
            self.timed("sid root", t0)
        holder = self.start_holder()
        setns_net(holder)
        run_quiet([need("ip"), "link", "set", "lo", "up"])

        t0 = time.monotonic()
        containerd_sock = self.start_containerd() if self.engine == "docker20" else None
        self.start_registries()
        self.start_sshd()
        self.spawn("relay", [sys.executable, RELAY, "127.0.0.1", str(PLAIN_PORT), str(self.sock)])
        rootfs = self.make_rootfs()
        self.timed("services spawned", t0)
        t1 = time.monotonic()
        self.make_certs()
        self.timed("certs", t1)
        if containerd_sock is not None:
            self.wait_for("containerd", lambda: os.path.exists(containerd_sock), 30)
        if self.engine == "podman":
            self.start_podman()
        else:
            self.start_dockerd(containerd_sock)
        if self.engine == "docker28":
            self.start_peer()
        self.wait_for(self.daemon, lambda: ping_unix(str(self.sock)), 60,
                      extra_logs=("containerd",) if containerd_sock else ())
        self.timed("%s up" % self.daemon, t0)

        t0 = time.monotonic()
        self.import_image(rootfs, self.sock)
        if self.engine == "docker28":
            self.wait_for("peer-dockerd", lambda: ping_unix(str(self.peer_sock)), 60)
            self.import_image(rootfs, self.peer_sock)
        self.timed("image import", t0)

        self.wait_for("registry", lambda: self._http_status(REGISTRY_PORT) == 200, 30)
        self.wait_for("registry-auth", lambda: self._http_status(AUTH_REGISTRY_PORT) == 401, 30)
        self.wait_for("sshd", self._ssh_banner, 30)
        self.wait_for("relay", lambda: self._relay_ping(), 30)
        self.wait_for("%s TLS listener" % self.daemon, self._tls_ping, 30,
                      log_name="tls-relay" if self.engine == "podman" else "dockerd")
        (self.state / "env").write_text(self.export_lines())
        self.write_marker(ready=time.time())
        self.timed("total", t_all)
        log("ready in %.1fs (%s)" % (time.monotonic() - t_all,
                                     ", ".join("%s %.1fs" % t for t in self.timings if t[0] != "total")))

    def wait_for(self, name: str, check: Callable[[], bool], timeout: float,
                 extra_logs: Sequence[str] = (), log_name: Optional[str] = None) -> None:
        deadline = time.monotonic() + timeout
        proc = self.procs.get(log_name or name)
        delay = 0.02
        while not check():
            if proc is not None and proc.poll() is not None:
                raise HarnessError("%s exited with code %s during startup; log tail:\n%s" % (
                    name, proc.returncode, self._log_tails([log_name or name] + list(extra_logs))))
            if time.monotonic() > deadline:
                raise HarnessError("%s not ready after %ss; log tail:\n%s" % (
                    name, timeout, self._log_tails([log_name or name] + list(extra_logs))))
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)

    def _log_tails(self, names: Sequence[str]) -> str:
        return "\n".join("--- %s.log ---\n%s" % (n, tail(self.logs / ("%s.log" % n))) for n in names)

    # certificates ------------------------------------------------------
    def make_certs(self) -> None:
        d = self.certs
        openssl = need("openssl")
        cnf = d / "openssl.cnf"
        cnf.write_text(
            "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = docker_client test\n"
            "[v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
            "subjectKeyIdentifier = hash\n"
            "[v3_server]\nbasicConstraints = critical,CA:FALSE\n"
            "keyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\n"
            "subjectAltName = IP:127.0.0.1,DNS:localhost\n"
            "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid,issuer\n"
            "[v3_client]\nbasicConstraints = critical,CA:FALSE\n"
            "keyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\n"
            "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid,issuer\n")
        env = dict(service_env(), OPENSSL_CONF=str(cnf))
        common = ["-config", str(cnf)]
        # ECDSA P-256 keys: RSA key generation takes up to 1.5 s per key here.
        for key in ("ca-key.pem", "server-key.pem", "key.pem"):
            run_quiet([openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                       "-out", str(d / key)], env=env)
        run_quiet([openssl, "req"] + common + ["-x509", "-new", "-key", str(d / "ca-key.pem"), "-sha256",
                  "-days", "3650", "-subj", "/CN=docker_client test CA", "-extensions", "v3_ca",
                  "-out", str(d / "ca.pem")], env=env)
        for name, cn, ext, key, cert in (
                ("server", "localhost", "v3_server", "server-key.pem", "server-cert.pem"),
                ("client", "dctest-client", "v3_client", "key.pem", "cert.pem")):
            csr = d / ("%s.csr" % name)
            run_quiet([openssl, "req"] + common + ["-new", "-key", str(d / key), "-sha256",
                      "-subj", "/CN=%s" % cn, "-out", str(csr)], env=env)
            serial = str(int.from_bytes(os.urandom(8), "big"))
            run_quiet([openssl, "x509", "-req", "-in", str(csr), "-CA", str(d / "ca.pem"),
                       "-CAkey", str(d / "ca-key.pem"), "-set_serial", serial,
                       "-days", "3650", "-sha256", "-extfile", str(cnf), "-extensions", ext,
                       "-out", str(d / cert)], env=env)
            csr.unlink()
        for key in ("ca-key.pem", "server-key.pem", "key.pem"):
            (d / key).chmod(0o600)

    # containerd / dockerd ----------------------------------------------
    def start_containerd(self) -> str:
        # Our own containerd, rather than the one dockerd would manage: dockerd
        # 20.10 uses a *system* containerd whenever /run/containerd/containerd.sock
        # exists, which would leak our containers into someone else's daemon.
        st = self.state
        sock = str(st / "exec" / "containerd" / "containerd.sock")
        (st / "exec" / "containerd").mkdir(parents=True, exist_ok=True)
        cfg = st / "containerd.toml"
        cfg.write_text(
            'version = 2\nroot = "%s"\nstate = "%s"\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n'
            '[grpc]\n  address = "%s"\n[ttrpc]\n  address = ""\n[debug]\n  address = ""\n  level = "warn"\n'
            '[metrics]\n  address = ""\n'
            '[plugins]\n  [plugins."io.containerd.internal.v1.opt"]\n    path = "%s"\n'
            % (st / "data" / "containerd", st / "exec" / "containerd" / "state", sock,
               st / "data" / "containerd" / "opt"))
        self.spawn("containerd", [need("containerd"), "--config", str(cfg)])
        return sock

    def start_dockerd(self, containerd_sock: Optional[str]) -> None:
        st = self.state
        (st / "daemon.json").write_text("{}\n")
        c = self.certs
        argv = self._dockerd_argv(st, self.sock) + [
            "--host", "tcp://127.0.0.1:%d" % TLS_PORT,
            "--tlsverify",
            "--tlscacert", str(c / "ca.pem"),
            "--tlscert", str(c / "server-cert.pem"),
            "--tlskey", str(c / "server-key.pem"),
        ]
        if containerd_sock is not None:
            # Engine 20.10 with our own containerd; Engine 28 manages one itself (there is no
            # system containerd in the sid root's fresh /run).
            self.spawn("dockerd", [need("dockerd"), "--containerd", containerd_sock] + argv)
        else:
            self.spawn_in_root("dockerd", ["/usr/sbin/dockerd"] + argv)

    @staticmethod
    def _dockerd_argv(home: Path, sock: Path) -> List[str]:
        return [
            "--config-file", str(home / "daemon.json"),
            "--data-root", str(home / "data"),
            "--exec-root", str(home / "exec"),
            "--pidfile", str(home / "docker.pid"),
            "--host", "unix://%s" % sock,
            "--iptables=false",
            "--ip6tables=false",
            "--log-driver", "local",
            # containers still running at stop are killed after 2 s
            "--shutdown-timeout", "2",
        ]

    def start_peer(self) -> None:
        """The second Engine 28 of the two-node swarm, in a network namespace of its own.

        A veth pair joins the two namespaces: MANAGER_ADDR on this side, PEER_ADDR on the
        peer's; the addresses exist only inside those two namespaces."""
        peer_holder = self.start_holder("peer-holder")
        ip = need("ip")
        run_quiet([ip, "link", "add", VETH[0], "type", "veth", "peer", "name", VETH[1]])
        run_quiet([ip, "link", "set", VETH[1], "netns", str(peer_holder)])
        run_quiet([ip, "addr", "add", MANAGER_ADDR + "/24", "dev", VETH[0]])
        run_quiet([ip, "link", "set", VETH[0], "up"])
        enter = [need("nsenter"), "--target", str(peer_holder), "--net", "--", ip]
        run_quiet(enter + ["link", "set", "lo", "up"])
        run_quiet(enter + ["addr", "add", PEER_ADDR + "/24", "dev", VETH[1]])
        run_quiet(enter + ["link", "set", VETH[1], "up"])
        home = self.peer_sock.parent
        home.mkdir(exist_ok=True)
        (home / "daemon.json").write_text("{}\n")
        self.spawn_in_root("peer-dockerd", ["/usr/sbin/dockerd"] + self._dockerd_argv(home, self.peer_sock),
                           holder="peer-holder")

    def start_podman(self) -> None:
        """Podman's Docker-compatible API on STATE/docker.sock, TLS through scripts/relay.py on TLS_PORT.

        Podman runs containers here only with runc (crun refuses this kernel's hybrid cgroups)
        and the cgroupfs manager; netavark without a firewall, as dockerd runs without iptables."""
        d = self.state / "podman"
        for sub in ("root", "run", "tmp", "networks"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        (d / "containers.conf").write_text(
            # http_proxy = false: Podman would copy the service's proxy variables into containers
            '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\nhttp_proxy = false\n'
            'log_driver = "k8s-file"\n'
            # Podman stops a container for a forced removal (Docker kills it at once): with its
            # default of 10 s every test container whose PID 1 ignores SIGTERM costs 10 s.
            '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n'
            'stop_timeout = 1\n'
            'events_logfile_path = "%s"\n'
            '[network]\nfirewall_driver = "none"\nnetwork_config_dir = "%s"\n'
            % (d / "events.log", d / "networks"))
        (d / "registries.conf").write_text(
            'unqualified-search-registries = ["docker.io"]\n'
            + "".join('[[registry]]\nlocation = "%s:%d"\ninsecure = true\n' % (host, port)
                      for port in (REGISTRY_PORT, AUTH_REGISTRY_PORT) for host in ("127.0.0.1", "localhost")))
        env = service_env()
        env.update(CONTAINERS_CONF=str(d / "containers.conf"),
                   CONTAINERS_REGISTRIES_CONF=str(d / "registries.conf"),
                   PODMAN_IGNORE_CGROUPSV1_WARNING="1")
        self.spawn_in_root("podman", [
            "/usr/bin/podman", "--root", str(d / "root"), "--runroot", str(d / "run"),
            "--tmpdir", str(d / "tmp"), "--storage-driver", "overlay",
            "system", "service", "--time=0", "unix://%s" % self.sock], env=env)
        # Podman serves no TLS: the harness's relay does, half-close aware as dockerd's listener.
        self.spawn("tls-relay", [sys.executable, RELAY, "127.0.0.1", str(TLS_PORT), str(self.sock),
                                 str(self.certs)])

    def _tls_ping(self) -> bool:
        ctx = ssl.create_default_context(cafile=str(self.certs / "ca.pem"))
        ctx.load_cert_chain(str(self.certs / "cert.pem"), str(self.certs / "key.pem"))
        try:
            conn = http.client.HTTPSConnection("127.0.0.1", TLS_PORT, context=ctx, timeout=3)
            return http_get(conn, "/_ping") == (200, b"OK")
        except (OSError, http.client.HTTPException):
            return False

    def _relay_ping(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PLAIN_PORT, timeout=3)
            return http_get(conn, "/_ping") == (200, b"OK")
        except (OSError, http.client.HTTPException):
            return False

    # the test image ----------------------------------------------------
    def make_rootfs(self) -> Path:
        if not is_static_elf(BUSYBOX):
            raise HarnessError("%s is not a statically linked busybox (install busybox-static)" % BUSYBOX)
        applets = run_quiet([BUSYBOX, "--list"]).decode().split()
        out = self.state / "rootfs.tar"
        mtime = 1700000000

        def entry(name: str, kind: bytes, mode: int, size: int = 0, link: str = "") -> tarfile.TarInfo:
            ti = tarfile.TarInfo(name)
            ti.type, ti.mode, ti.size, ti.linkname, ti.mtime = kind, mode, size, link, mtime
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = "root"
            return ti

        with tarfile.open(str(out), "w", format=tarfile.GNU_FORMAT) as tar:
            for d, mode in (("bin", 0o755), ("dev", 0o755), ("etc", 0o755), ("proc", 0o555), ("root", 0o700),
                            ("sys", 0o555), ("tmp", 0o1777)):
                tar.addfile(entry(d, tarfile.DIRTYPE, mode))
            with open(BUSYBOX, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                tar.addfile(entry("bin/busybox", tarfile.REGTYPE, 0o755, size), f)
            for applet in sorted(set(applets)):
                if applet != "busybox" and "/" not in applet:
                    tar.addfile(entry("bin/" + applet, tarfile.SYMTYPE, 0o777, link="busybox"))
            for name, text in (
                ("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                               "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
                ("etc/group", "root:x:0:\nnobody:x:65534:\n"),
            ):
                data = text.encode()
                tar.addfile(entry(name, tarfile.REGTYPE, 0o644, len(data)), io.BytesIO(data))
        return out

    def import_image(self, rootfs: Path, sock: Path) -> None:
        """docker import --change 'CMD ["sh"]' rootfs.tar dctest/busybox:latest"""
        query = urllib.parse.urlencode([("fromSrc", "-"), ("repo", IMAGE_REPO), ("tag", IMAGE_TAG),
                                        ("changes", 'CMD ["sh"]')])
        conn = UnixHTTPConnection(str(sock), timeout=120)
        try:
            with open(str(rootfs), "rb") as f:
                conn.request("POST", "/v%s/images/create?%s" % (API_VERSION, query), body=f,
                             headers={"Content-Type": "application/x-tar",
                                      "Content-Length": str(rootfs.stat().st_size)})
                r = conn.getresponse()
                body = r.read()
        finally:
            conn.close()
        if r.status != 200:
            raise HarnessError("image import failed: HTTP %d %r" % (r.status, body[:500]))
        for line in body.splitlines():
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if isinstance(msg, dict) and msg.get("error"):
                raise HarnessError("image import failed: %s" % msg["error"])
        status, info = http_get(UnixHTTPConnection(str(sock)),
                                "/v%s/images/%s/json" % (API_VERSION, IMAGE))
        if status != 200 or json.loads(info)["Config"]["Cmd"] != ["sh"]:
            raise HarnessError("imported image %s looks wrong: %d %r" % (IMAGE, status, info[:300]))

    # registries --------------------------------------------------------
    def start_registries(self) -> None:
        reg = need("docker-registry")
        htpasswd = self.state / "registry-auth" / "htpasswd"
        line = run_quiet([need("htpasswd"), "-Bbn", REGISTRY_USER, REGISTRY_PASSWORD]).strip()
        htpasswd.write_bytes(line + b"\n")
        for name, port, auth in (("registry", REGISTRY_PORT, ""),
                                 ("registry-auth", AUTH_REGISTRY_PORT,
                                  "auth:\n  htpasswd:\n    realm: dctest-realm\n    path: %s\n" % htpasswd)):
            d = self.state / name
            (d / "data").mkdir(exist_ok=True)
            cfg = d / "config.yml"
            cfg.write_text(
                "version: 0.1\n"
                "log:\n  level: warn\n  accesslog:\n    disabled: true\n  fields:\n    service: %s\n"
                "storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n"
                "  maintenance:\n    uploadpurging:\n      enabled: false\n"
                "http:\n  addr: 127.0.0.1:%d\n  secret: dctest-not-secret\n"
                "  headers:\n    X-Content-Type-Options: [nosniff]\n%s"
                % (name, d / "data", port, auth))
            self.spawn(name, [reg, "serve", str(cfg)])

    @staticmethod
    def _http_status(port: int) -> int:
        try:
            return http_get(http.client.HTTPConnection("127.0.0.1", port, timeout=3), "/v2/")[0]
        except (OSError, http.client.HTTPException):
            return 0

    # sshd ----------------------------------------------------------------
    def start_sshd(self) -> None:
        d = self.ssh
        keygen = need("ssh-keygen")
        for key, comment in (("ssh_host_ed25519_key", "dctest-host"), ("id_ed25519", "dctest-client")):
            run_quiet([keygen, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(d / key)])
        pub = (d / "id_ed25519.pub").read_text().strip()
        (d / "authorized_keys").write_text('environment="DOCKER_HOST=unix://%s" %s\n' % (self.sock, pub))
        host_pub = (d / "ssh_host_ed25519_key.pub").read_text().split()
        (d / "known_hosts").write_text("[127.0.0.1]:%d %s %s\n" % (SSH_PORT, host_pub[0], host_pub[1]))
        (d / "sshd_config").write_text(
            "Port %d\nListenAddress 127.0.0.1\nHostKey %s\nPidFile %s\nAuthorizedKeysFile %s\n"
            "PermitRootLogin prohibit-password\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPermitUserEnvironment yes\nStrictModes no\nUsePAM no\n"
            "AllowTcpForwarding yes\nAllowStreamLocalForwarding yes\nX11Forwarding no\nPrintMotd no\n"
            "MaxStartups 100:30:200\nMaxSessions 100\nLogLevel INFO\n"
            "Subsystem sftp internal-sftp\n"
            % (SSH_PORT, d / "ssh_host_ed25519_key", d / "sshd.pid", d / "authorized_keys"))
        (d / "config").write_text(
            "Host 127.0.0.1\n  Port %d\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n"
            "  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  GlobalKnownHostsFile /dev/null\n"
            "  BatchMode yes\n  LogLevel ERROR\n" % (SSH_PORT, d / "id_ed25519"))
        # privilege separation directory sshd insists on
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        sshd = need("sshd")  # absolute path: sshd re-execs itself
        run_quiet([sshd, "-t", "-f", str(d / "sshd_config")])
        self.spawn("sshd", [sshd, "-D", "-e", "-f", str(d / "sshd_config")])

    @staticmethod
    def _ssh_banner() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", SSH_PORT), timeout=3) as s:
                return s.recv(64).startswith(b"SSH-")
        except OSError:
            return False

    # teardown --------------------------------------------------------------
    def teardown(self) -> List[str]:
        """Stop everything recorded in the state dir, unmount, remove it.

        Returns a list of problems (empty when all went well)."""
        problems: List[str] = []
        marker = self.read_marker()
        if marker is None:
            if self.state.exists():
                problems.append("%s has no %s; not touching it" % (self.state, MARKER))
            return problems
        # Sweep by network namespace (below) only while a process we recorded
        # proves that the namespace is still ours: nsfs inode numbers get reused.
        namespaces: List[str] = []
        for holder_name, key, members in (("holder", "netns", ("dockerd", "podman", "containerd")),
                                          ("peer-holder", "peer-holder_netns", ("peer-dockerd",))):
            ns = marker.get(key)
            recs = [self.recorded_pid(n) for n in (holder_name,) + members]
            if ns and any(r is not None and alive(*r) and net_ns_of(r[0]) == ns for r in recs):
                namespaces.append(ns)
        self._kill_containers(self.daemon, self.sock)
        self._kill_containers("peer-dockerd", self.peer_sock)
        order = [("relay", 5), ("tls-relay", 5), ("sshd", 5), ("registry", 5), ("registry-auth", 5),
                 ("dockerd", 40), ("podman", 5), ("peer-dockerd", 40), ("containerd", 15)]
        for name, timeout in order:
            rec = self.recorded_pid(name)
            if rec is not None:
                t0 = time.monotonic()
                kill_and_wait(rec[0], rec[1], timeout, self.procs.get(name))
                if time.monotonic() - t0 > 1:
                    log("stopping %s took %.1fs" % (name, time.monotonic() - t0))
        # Whatever is left in our network namespace (containerd shims, stray
        # processes a test left behind), and container processes whose root is
        # below the state dir.
        holders = [rec for rec in (self.recorded_pid("holder"), self.recorded_pid("peer-holder")) if rec]
        for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
            victims = [pid for pid in self._leftover_pids(namespaces, [h[0] for h in holders])]
            if not victims:
                break
            for pid in victims:
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and any(alive(p) for p in victims):
                time.sleep(0.05)
        for name, rec in zip(("holder", "peer-holder"), holders):
            kill_and_wait(rec[0], rec[1], 5, self.procs.get(name))
        for p in self.procs.values():
            try:
                p.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                pass
        problems += self.unmount_all()
        left = list(self._leftover_pids(namespaces, []))
        if left:
            problems.append("processes still alive: %s" % left)
        if problems:
            problems.append("not removing %s" % self.state)
        else:
            shutil.rmtree(str(self.state), ignore_errors=True)
            if self.state.exists():
                problems.append("could not remove %s" % self.state)
        return problems

    def _kill_containers(self, name: str, sock: Path) -> None:
        """SIGKILL running containers first: on SIGTERM dockerd would give
        each of them its full stop timeout (10 s by default)."""
        rec = self.recorded_pid(name)
        if rec is None or not alive(*rec) or not ping_unix(str(sock)):
            return
        api = "/v%s/containers" % API_VERSION
        try:
            status, body = http_get(UnixHTTPConnection(str(sock), 5), api + "/json")
            if status != 200:
                return
            for c in json.loads(body):
                if c.get("State") == "paused":
                    http_post_unix(str(sock), "%s/%s/unpause" % (api, c["Id"]))
                http_post_unix(str(sock), "%s/%s/kill" % (api, c["Id"]))
        except (OSError, ValueError, KeyError, http.client.HTTPException) as e:
            log("could not kill containers: %s" % e)

    def _leftover_pids(self, namespaces: List[str], spare: List[int]) -> Iterator[int]:
        me = os.getpid()
        prefix = str(self.state) + "/"
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            if pid == me or pid in spare or not alive(pid):
                continue
            if net_ns_of(pid) in namespaces:
                yield pid
                continue
            if root_mount_below(pid, prefix) or our_service(pid, prefix):
                yield pid

    def mounts_below(self) -> List[str]:
        prefix = str(self.state)
        found = []
        with open("/proc/self/mountinfo") as f:
            for line in f:
                mp = unescape_mount(line.split()[4])
                if mp == prefix or mp.startswith(prefix + "/"):
                    found.append(mp)
        return found

    def unmount_all(self) -> List[str]:
        umount = which("umount") or "umount"
        for attempt in range(4):
            mounts = self.mounts_below()
            if not mounts:
                return []
            for mp in sorted(set(mounts), key=lambda m: (-m.count("/"), m), reverse=False):
                args = [umount, mp] if attempt < 2 else [umount, "-l", mp]
                subprocess.call(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        left = self.mounts_below()
        return ["still mounted: %s" % " ".join(left)] if left else []


# --------------------------------------------------------------------------
# self test (docker CLI, registries, TLS, relay, ssh)


def selftest(stack: Stack) -> None:
    env = stack.cmd_env()
    cfg = tempfile.mkdtemp(prefix="dockercfg-", dir=str(stack.state))
    env["DOCKER_CONFIG"] = cfg  # nothing lands in ~/.docker
    docker = need("docker")
    t0 = time.monotonic()

    def sh(argv: List[str], input: Optional[bytes] = None) -> bytes:
        return run_quiet(argv, input=input, env=env, timeout=120)

    out = sh([docker, "run", "--rm", IMAGE, "sh", "-c", "echo hi; id -un"]).split()
    assert out == [b"hi", b"root"], out
    for reg, login in ((env["DC_TEST_REGISTRY"], False), (env["DC_TEST_AUTH_REGISTRY"], True)):
        ref = "%s/selftest/busybox:latest" % reg
        sh([docker, "tag", IMAGE, ref])
        if login:
            sh([docker, "login", "--username", REGISTRY_USER, "--password-stdin", reg],
               input=REGISTRY_PASSWORD.encode())
        sh([docker, "push", ref])
        sh([docker, "rmi", ref])
        sh([docker, "pull", ref])
        sh([docker, "rmi", ref])
        if login:
            sh([docker, "logout", reg])
    assert stack._tls_ping(), "TLS /_ping failed"
    assert stack._relay_ping(), "relay /_ping failed"
    reply = sh([need("ssh"), "-F", env["DC_TEST_SSH_CONFIG"], "127.0.0.1", "docker", "system", "dial-stdio"],
               input=b"GET /_ping HTTP/1.0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.0 200") and reply.endswith(b"OK"), reply
    shutil.rmtree(cfg, ignore_errors=True)
    log("selftest passed in %.1fs" % (time.monotonic() - t0))


# --------------------------------------------------------------------------
# subcommands


def _install_signal_handlers() -> None:
    def handler(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def _ignore_signals() -> None:
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_IGN)


def _teardown_and_report(stack: Stack) -> bool:
    _ignore_signals()
    t0 = time.monotonic()
    problems = stack.teardown()
    for p in problems:
        log("teardown: %s" % p)
    log("stopped in %.1fs" % (time.monotonic() - t0))
    return not problems


def _require_root() -> None:
    if os.geteuid() != 0:
        raise HarnessError("must run as root (it starts dockerd and uses network namespaces)")


def _report_startup_failure(stack: Stack, e: BaseException) -> None:
    log("startup failed: %s" % e)
    if "--- %s.log ---" % stack.daemon not in str(e):
        log("%s log tail:\n%s" % (stack.daemon, tail(stack.logs / ("%s.log" % stack.daemon))))


def _stop_child(child: subprocess.Popen[bytes], signum: int) -> None:
    """Pass a signal on to CMD, give it time to clean up, then kill it."""
    try:
        if signum == signal.SIGINT:
            # A terminal's ^C went to CMD as well; only repeat it if CMD
            # did not react (the signal was sent to us alone).
            try:
                child.wait(timeout=2)
                return
            except subprocess.TimeoutExpired:
                pass
        child.send_signal(signum)
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    except OSError:
        pass


def cmd_run(state: Optional[str], no_install: bool, do_selftest: bool, argv: List[str],
            keep_logs: Optional[str] = None, engine: str = DEFAULT_ENGINE) -> int:
    if not argv:
        raise HarnessError("run: no command given (run [--state DIR] -- CMD ARGS...)")
    _require_root()
    if not no_install:
        ensure_installed()
    if state is None:
        state = tempfile.mkdtemp(prefix=os.path.basename(RUN_STATE_PREFIX),
                                 dir=os.path.dirname(RUN_STATE_PREFIX))
    stack = Stack(state, engine)
    stack.prepare_dir()
    _install_signal_handlers()
    child: Optional[subprocess.Popen[bytes]] = None
    rc = HARNESS_FAILED
    try:
        try:
            stack.start()
            if do_selftest:
                selftest(stack)
        except (HarnessError, AssertionError) as e:
            _report_startup_failure(stack, e)
            return HARNESS_FAILED
        # CMD stays in our process group: a terminal's ^C reaches it directly.
        try:
            child = subprocess.Popen(argv, env=stack.cmd_env())
        except OSError as e:
            log("cannot run %s: %s" % (argv[0], e))
            rc = 127
            return rc
        rc = child.wait()
        child = None
        return rc if rc >= 0 else 128 - rc
    except Interrupted as e:
        log("got signal %d, cleaning up" % e.signum)
        rc = 128 + e.signum
        if child is not None:
            _ignore_signals()
            _stop_child(child, e.signum)
        return rc
    finally:
        if keep_logs:
            shutil.copytree(str(stack.logs), keep_logs, dirs_exist_ok=True)
            log("logs copied to %s" % keep_logs)
        ok = _teardown_and_report(stack)
        if not ok and rc == 0:
            sys.exit(HARNESS_FAILED)


def cmd_start(state: str, no_install: bool, engine: str = DEFAULT_ENGINE) -> int:
    _require_root()
    if not no_install:
        ensure_installed()
    stack = Stack(state, engine)
    stack.prepare_dir()
    _install_signal_handlers()
    try:
        stack.start()
    except BaseException as e:
        if isinstance(e, Interrupted):
            log("got signal %d during startup, cleaning up" % e.signum)
        else:
            _report_startup_failure(stack, e)
        _teardown_and_report(stack)
        if isinstance(e, (HarnessError, Interrupted)):
            return HARNESS_FAILED
        raise
    sys.stdout.write(stack.export_lines())
    return 0


def cmd_ensure(state: str, no_install: bool, engine: str = DEFAULT_ENGINE) -> int:
    stack = Stack(state)
    if stack.is_running():
        if stack.engine != engine:
            raise HarnessError("%s holds a running %s, not %s (stop it first, or use --state)"
                               % (stack.state, stack.engine, engine))
        sys.stdout.write(stack.export_lines())
        return 0
    return cmd_start(state, no_install, engine)


def _enter(stack: Stack) -> None:
    _require_root()
    if not stack.marker.exists():
        raise HarnessError("no harness state in %s (run start first)" % stack.state)
    rec = stack.recorded_pid("holder")
    if rec is None or not alive(*rec):
        raise HarnessError("the namespace holder of %s is gone; run stop, then start" % stack.state)
    setns_net(rec[0])


def cmd_exec(state: str, argv: List[str]) -> int:
    if not argv:
        raise HarnessError("exec: no command given (exec [--state DIR] -- CMD ARGS...)")
    stack = Stack(state)
    _enter(stack)
    try:
        os.execvpe(argv[0], argv, stack.cmd_env())
    except OSError as e:
        raise HarnessError("cannot run %s: %s" % (argv[0], e)) from None
    return 127  # not reached


def cmd_env(state: str) -> int:
    stack = Stack(state)
    if stack.read_marker() is None:
        raise HarnessError("no harness state in %s (run start first)" % stack.state)
    sys.stdout.write(stack.export_lines())
    return 0


def cmd_selftest(state: str) -> int:
    stack = Stack(state)
    _enter(stack)
    selftest(stack)
    return 0


def cmd_stop(state: str) -> int:
    _require_root()
    stack = Stack(state)
    if not stack.state.exists():
        log("nothing to stop in %s" % stack.state)
        return 0
    return 0 if _teardown_and_report(stack) else 1


def main(argv: Optional[List[str]] = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    cmd: List[str] = []
    if "--" in args_in:
        i = args_in.index("--")
        args_in, cmd = args_in[:i], args_in[i + 1:]

    default_state = os.environ.get("DC_TEST_STATE") or DEFAULT_STATE
    parser = argparse.ArgumentParser(prog="privdaemon.py", description=(__doc__ or "").split("\n\n")[0])
    sub = parser.add_subparsers(dest="sub", required=True)
    p_run = sub.add_parser("run", help="start everything, run CMD inside, tear down")
    p_run.add_argument("--state", default=None,
                       help="state dir (default: a fresh %sXXXXXXXX)" % RUN_STATE_PREFIX)
    p_run.add_argument("--no-install", action="store_true", help="never apt-get install")
    p_run.add_argument("--selftest", action="store_true", help="check CLI/registries/ssh before CMD")
    p_run.add_argument("--keep-logs", metavar="DIR", help="copy the services' logs to DIR at the end")
    p_run.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help="which daemon (%(default)s)")
    p_run.add_argument("cmd", nargs=argparse.REMAINDER)
    for name, hlp in (("start", "start everything and leave it running"),
                      ("ensure", "print the env of a running harness, starting one if needed"),
                      ("stop", "stop everything and remove the state dir"),
                      ("env", "print export lines"),
                      ("selftest", "exercise a started harness"),
                      ("exec", "run CMD inside a started harness")):
        p = sub.add_parser(name, help=hlp)
        p.add_argument("--state", default=default_state, help="state dir (default: %(default)s)")
        if name in ("start", "ensure"):
            p.add_argument("--no-install", action="store_true", help="never apt-get install")
            p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                           help="which daemon (%(default)s)")
        if name == "exec":
            p.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(args_in)
    cmd = cmd or list(getattr(args, "cmd", None) or [])
    try:
        if args.sub == "run":
            return cmd_run(args.state, args.no_install, args.selftest, cmd, args.keep_logs, args.engine)
        if args.sub == "start":
            return cmd_start(args.state, args.no_install, args.engine)
        if args.sub == "ensure":
            return cmd_ensure(args.state, args.no_install, args.engine)
        if args.sub == "stop":
            return cmd_stop(args.state)
        if args.sub == "env":
            return cmd_env(args.state)
        if args.sub == "selftest":
            return cmd_selftest(args.state)
        if args.sub == "exec":
            return cmd_exec(args.state, cmd)
    except HarnessError as e:
        log(str(e))
        return HARNESS_FAILED
    parser.error("unknown subcommand")
    return 2


if __name__ == "__main__":
    sys.exit(main())
