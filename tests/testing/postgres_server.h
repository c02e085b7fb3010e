// A private PostgreSQL 15 server for tests: a fresh cluster in a temporary
// folder, listening on 127.0.0.1 on a free port (no Unix socket), with small
// settings (shared_buffers 128MB, fsync off). Local TCP connections are
// trusted, except for members of the role `password_login` (created by the
// fixture): they must log in with a password (scram-sha-256), so tests can
// check password handling:
//   CREATE ROLE shop LOGIN PASSWORD 'secret' IN ROLE password_login;
//
// Debian's postgresql-15 binaries are required (/usr/lib/postgresql/15/bin);
// when they are missing, or the server does not start, `error()` says why and
// the tests using the server must fail (not skip). PostgreSQL refuses to run
// as root: when the tests run as root, initdb runs through
// `runuser -u postgres --` and the postmaster is started as `postgres`, in a
// folder owned by `postgres`.
//
// The postmaster is a child of this process that gets SIGQUIT (PostgreSQL's
// immediate shutdown, what `pg_ctl stop -m immediate` sends) when the test
// process dies, so a crashed test leaves no server behind. The destructor
// stops it the same way and removes the folder.
//
// SharedPostgres() starts one server per test process on first use (ctest
// runs every test in a process of its own, so each starts at most one).
//
// Not thread-safe: start and stop from the main thread.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace tagloop::testing {

inline constexpr const char* kPostgresBin = "/usr/lib/postgresql/15/bin";

class PostgresServer {
 public:
  PostgresServer() { error_ = Start(); }
  ~PostgresServer() { Stop(); }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Empty when the server runs; otherwise what went wrong (with the log tail).
  const std::string& error() const { return error_; }
  bool ok() const { return error_.empty(); }
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1"; }
  // "host=127.0.0.1 port=N dbname=postgres user=postgres" (superuser, trusted).
  std::string conninfo(const std::string& user = "postgres") const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=postgres user=" + user;
  }

  // Runs SQL (one or more statements) as the superuser; returns "" on success
  // or the server's error message.
  std::string Exec(const std::string& sql) const {
    PGconn* conn = PQconnectdb(conninfo().c_str());
    std::string err;
    if (PQstatus(conn) != CONNECTION_OK) {
      err = PQerrorMessage(conn);
    } else {
      PGresult* r = PQexec(conn, sql.c_str());
      ExecStatusType st = PQresultStatus(r);
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) err = PQresultErrorMessage(r);
      PQclear(r);
    }
    PQfinish(conn);
    return err;
  }

 private:
  std::string Start() {
    namespace fs = std::filesystem;
    const std::string bin = kPostgresBin;
    if (!fs::exists(bin + "/initdb") || !fs::exists(bin + "/postgres"))
      return "PostgreSQL 15 binaries not found in " + bin + " (apt-get install postgresql-15)";
    data_ = dir_.Sub("data");
    fs::create_directories(data_);
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (getuid() == 0) {
      struct passwd* pw = getpwnam("postgres");
      if (pw == nullptr) return "running as root but there is no `postgres` user to run PostgreSQL as";
      uid = pw->pw_uid, gid = pw->pw_gid;
      if (chown(dir_.path().c_str(), uid, gid) != 0 || chown(data_.c_str(), uid, gid) != 0)
        return "cannot chown the test folder to postgres";
    }
    chmod(data_.c_str(), 0700);
    std::vector<std::string> initdb = {
        bin + "/initdb",    "-D",       data_, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
        "--locale=C.UTF-8", "--no-sync"};
    if (getuid() == 0) initdb.insert(initdb.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
    RunResult r = RunProgram(initdb);
    if (r.exit_code != 0) return "initdb failed (exit " + std::to_string(r.exit_code) + "): " + r.err + r.out;
    {
      std::ofstream hba(data_ + "/pg_hba.conf", std::ios::trunc);
      hba << "host all +password_login 127.0.0.1/32 scram-sha-256\n"
          << "host all all 127.0.0.1/32 trust\n";
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = FreePort();
      {
        std::ofstream conf(data_ + "/postgresql.auto.conf", std::ios::trunc);
        conf << "listen_addresses = '127.0.0.1'\nport = " << port_ << "\nunix_socket_directories = ''\n"
             << "shared_buffers = '128MB'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
             << "max_connections = 20\nlogging_collector = off\njit = off\n";
      }
      std::string log = dir_.Sub("server.log");
      pid_ = fork();
      if (pid_ == 0) {
        int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) dup2(fd, 1), dup2(fd, 2), close(fd);
        if (getuid() == 0) {
          if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(126);
        }
        // After the uid change, which would clear it: die with the test process.
        prctl(PR_SET_PDEATHSIG, SIGQUIT);
        const std::string postgres = bin + "/postgres";
        execl(postgres.c_str(), postgres.c_str(), "-D", data_.c_str(), static_cast<char*>(nullptr));
        _exit(127);
      }
      if (pid_ < 0) return "fork failed";
      std::string why = WaitReady();
      if (why.empty()) {
        std::string err = Exec("CREATE ROLE password_login NOLOGIN");
        return err.empty() ? "" : "cannot create role password_login: " + err;
      }
      Stop();
      if (why != "exited") return why + "\n" + LogTail();
    }
    return "the PostgreSQL server did not start (port taken three times)\n" + LogTail();
  }

  // "" when the server accepts connections; "exited" when the postmaster died
  // (perhaps the port was taken); otherwise a timeout message.
  std::string WaitReady() {
    const std::string info = conninfo() + " connect_timeout=2";
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return "exited";
      }
      if (PQping(info.c_str()) == PQPING_OK) return "";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "the PostgreSQL server did not accept connections within 60 s";
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGQUIT);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::string LogTail() const {
    std::ifstream in(dir_.Sub("server.log"));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
  }

  static int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    int port = 0;
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = ntohs(addr.sin_port);
    if (fd >= 0) close(fd);
    return port;
  }

  TempDir dir_;
  std::string data_;
  std::string error_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// The test process's server, started on first use and stopped at exit.
inline PostgresServer& SharedPostgres() {
  static PostgresServer server;
  return server;
}

}  // namespace tagloop::testing
