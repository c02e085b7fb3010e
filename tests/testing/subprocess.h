// Runs a program and captures its exit code, stdout and stderr (for tests of
// the `tagloop` executable). Blocking; not for programs that read stdin.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <tuple>
#include <vector>

namespace tagloop::testing {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out, err;
};

inline RunResult RunProgram(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  RunResult r;
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return r;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]), close(err_pipe[0]), close(out_pipe[1]), close(err_pipe[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]), close(err_pipe[1]);
  // Drain both pipes without deadlocking on a full one.
  fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    bool progressed = false;
    for (auto [fd, open, dst] : {std::tuple{out_pipe[0], &out_open, &r.out}, std::tuple{err_pipe[0], &err_open, &r.err}}) {
      if (!*open) continue;
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) dst->append(buf, static_cast<size_t>(n)), progressed = true;
      else if (n == 0) *open = false, progressed = true;
    }
    if (!progressed) usleep(1000);
  }
  close(out_pipe[0]), close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace tagloop::testing
