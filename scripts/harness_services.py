"""How the test harness starts each service (a mixin of privdaemon.Stack): certificates, the
daemons of the three engines (and Engine 28's second node), the test image, the registries and
sshd.  Only the standard library is used.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import socket
import ssl
import sys
import tarfile
import urllib.parse
from pathlib import Path
from typing import List, Optional

from harness_config import (
    API_VERSION,
    AUTH_REGISTRY_PORT,
    IMAGE,
    IMAGE_REPO,
    IMAGE_TAG,
    MANAGER_ADDR,
    PEER_ADDR,
    PLAIN_PORT,
    REGISTRY_PASSWORD,
    REGISTRY_PORT,
    REGISTRY_USER,
    RELAY,
    SSH_PORT,
    TLS_PORT,
    VETH,
)
from harness_install import BUSYBOX
from harness_proc import (
    HarnessError,
    UnixHTTPConnection,
    http_get,
    is_static_elf,
    need,
    run_quiet,
    service_env,
)


class Services:
    """Starting the services; Stack provides state, certs, ssh, sock, peer_sock, engine,
    spawn, spawn_in_root and start_holder."""

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
