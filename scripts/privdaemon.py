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
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from http.client import HTTPException
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import sidroot
from harness_config import (
    AUTH_REGISTRY_PORT,
    CMD_ENV_DROP,
    DEFAULT_ENGINE,
    DEFAULT_STATE,
    ENGINE_API,
    ENGINES,
    HARNESS_FAILED,
    IMAGE,
    MANAGER_ADDR,
    MARKER,
    PEER_ADDR,
    PLAIN_PORT,
    REGISTRY_PASSWORD,
    REGISTRY_PORT,
    REGISTRY_USER,
    RELAY,
    RUN_STATE_PREFIX,
    SID_ENGINES,
    SSH_PORT,
    TLS_PORT,
)
from harness_install import ensure_installed
from harness_proc import (
    HarnessError,
    UnixHTTPConnection,
    alive,
    comm,
    http_get,
    log,
    need,
    net_ns_of,
    ping_unix,
    proc_stat,
    run_quiet,
    service_env,
    setns_net,
    tail,
)
from harness_services import Services
from harness_teardown import Teardown


class Interrupted(BaseException):
    """Raised from our SIGINT/SIGTERM handler."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# --------------------------------------------------------------------------
# the state directory


class Stack(Services, Teardown):
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
            "DC_TEST_DAEMON_API": str((self.read_marker() or {}).get("daemon_api")
                                      or ENGINE_API[self.engine]),
        }
        if self.engine == "podman":
            # Podman's /auth logs in over plain HTTP only to "localhost" registries (its compat
            # handler skips TLS for those alone); the registry listens on 127.0.0.1 either way.
            env["DC_TEST_AUTH_REGISTRY"] = "localhost:%d" % AUTH_REGISTRY_PORT
        if self.engine == "docker28":
            env.update({
                # sid's docker-buildx, for the machine's docker CLI (config.json's cliPluginsExtraDirs)
                "DC_TEST_CLI_PLUGINS": str(sidroot.root_path() / "usr/libexec/docker/cli-plugins"),
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
        self.write_marker(daemon_api=self._daemon_api())

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

    def _daemon_api(self) -> str:
        """The newest API version the started daemon speaks (its /version), which the tests'
        version negotiation must arrive at; ENGINE_API's value if it cannot be read."""
        try:
            status, body = http_get(UnixHTTPConnection(str(self.sock)), "/version")
            if status == 200:
                return str(json.loads(body)["ApiVersion"])
        except (OSError, ValueError, KeyError, HTTPException):
            pass
        return ENGINE_API[self.engine]

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
