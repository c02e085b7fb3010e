// A minimal fork-join helper (the import, insight, composite tags): a fixed number of std::threads
// claim task indexes in increasing order, while the calling thread waits and
// calls `tick` (progress reporting) at a steady interval.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace tagloop {

// Runs fn(i) for every i in [0, n) on min(threads, n) worker threads (at
// least one) and returns when all have finished. Tasks are claimed in index
// order, so a task may assume every lower index has started. With threads <= 1
// and no tick the tasks run inline on the calling thread. `tick`, when set,
// runs on the calling thread about every `tick_every` while tasks run. `fn`
// must not throw.
void ParallelFor(unsigned threads, size_t n, const std::function<void(size_t)>& fn,
                 const std::function<void()>& tick = {},
                 std::chrono::milliseconds tick_every = std::chrono::milliseconds(100));

// The default number of worker threads: the hardware's, at least 1.
unsigned DefaultThreads();

}  // namespace tagloop
