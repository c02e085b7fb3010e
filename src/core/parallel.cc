#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tagloop {

unsigned DefaultThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

void ParallelFor(unsigned threads, size_t n, const std::function<void(size_t)>& fn,
                 const std::function<void()>& tick, std::chrono::milliseconds tick_every) {
  if (n == 0) return;
  if (threads <= 1 && !tick) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  const size_t workers = std::clamp<size_t>(threads, 1, n);
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::condition_variable done_cv;
  size_t running = workers;
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) fn(i);
      std::lock_guard lock(mu);
      if (--running == 0) done_cv.notify_all();
    });
  }
  {
    std::unique_lock lock(mu);
    while (running > 0) {
      if (done_cv.wait_for(lock, tick_every, [&] { return running == 0; })) break;
      if (tick) {
        lock.unlock();
        tick();
        lock.lock();
      }
    }
  }
  for (auto& t : pool) t.join();
}

}  // namespace tagloop
