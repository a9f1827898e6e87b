//! Throwaway database servers on 127.0.0.1 for the tests (TOOLCHAIN.md): PostgreSQL, MariaDB
//! and Redis from the Debian packages `make test` installs, each in a temp dir on a free port,
//! stopped when dropped. The tests run as root; the servers run as their own users where they
//! insist on it.

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM: each server shuts down cleanly and takes its workers with it.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, child: &mut Child, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before it listened: {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not listen on {port} within 60 s");
}

fn ids(user: &str) -> (u32, u32) {
    let id = |flag: &str| {
        let out = Command::new("id").args([flag, user]).output().expect("id");
        String::from_utf8(out.stdout).unwrap().trim().parse::<u32>().unwrap_or_else(|_| {
            panic!("no system user `{user}`: is its server package installed (make test installs it)?")
        })
    };
    (id("-u"), id("-g"))
}

fn chown(path: &Path, user: &str) {
    let status = Command::new("chown")
        .args(["-R", user])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "chown {user} {}", path.display());
}

fn pg_bin(name: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (make test installs it)")
        .map(|e| e.unwrap().path().join("bin").join(name))
        .filter(|p| p.exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .unwrap_or_else(|| panic!("no PostgreSQL {name}"))
}

/// PostgreSQL with SCRAM-SHA-256 logins; the superuser `postgres` has `password`.
pub fn postgres(password: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let (uid, gid) = ids("postgres");
    std::fs::write(dir.path().join("pw"), password).unwrap();
    chown(dir.path(), "postgres");
    let data = dir.path().join("data");
    let init = Command::new(pg_bin("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["--auth=scram-sha-256", "-U", "postgres"])
        .arg(format!("--pwfile={}", dir.path().join("pw").display()))
        .uid(uid)
        .gid(gid)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let port = free_port();
    let mut child = Command::new(pg_bin("postgres"))
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-h", "127.0.0.1", "-k"])
        .arg(dir.path())
        .uid(uid)
        .gid(gid)
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_port(port, &mut child, "postgres");
    Server {
        port,
        child,
        _dir: dir,
    }
}

/// MariaDB with the user `keyport`@`127.0.0.1` (`password`) owning the database `app`.
pub fn mariadb(password: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let install = Command::new("mariadb-install-db")
        .arg(format!("--datadir={}", data.display()))
        .args(["--user=root", "--auth-root-authentication-method=socket"])
        .output()
        .unwrap();
    assert!(
        install.status.success(),
        "mariadb-install-db: {}",
        String::from_utf8_lossy(&install.stderr)
    );
    let port = free_port();
    let socket = dir.path().join("sock");
    let mut child = Command::new("mariadbd")
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--socket={}", socket.display()))
        .arg(format!("--port={port}"))
        .args(["--bind-address=127.0.0.1", "--user=root", "--skip-log-bin"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_port(port, &mut child, "mariadbd");
    let sql = format!(
        "CREATE DATABASE app; CREATE USER 'keyport'@'127.0.0.1' IDENTIFIED BY '{password}'; \
         GRANT ALL ON app.* TO 'keyport'@'127.0.0.1';"
    );
    let setup = Command::new("mariadb")
        .arg(format!("--socket={}", socket.display()))
        .args(["-uroot", "-e", &sql])
        .output()
        .unwrap();
    assert!(
        setup.status.success(),
        "mariadb setup: {}",
        String::from_utf8_lossy(&setup.stderr)
    );
    Server {
        port,
        child,
        _dir: dir,
    }
}

/// Redis with `requirepass`, nothing saved to disk.
pub fn redis(password: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--requirepass",
            password,
        ])
        .args(["--save", "", "--appendonly", "no", "--dir"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_port(port, &mut child, "redis-server");
    Server {
        port,
        child,
        _dir: dir,
    }
}
