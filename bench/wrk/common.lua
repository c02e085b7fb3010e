-- Shared by the wrk scripts of scripts/bench-server.sh: the bearer token from
-- TAGLOOP_TOKEN, per-thread random seeds, and one machine-readable result line:
--   WRK_RESULT requests=N seconds=S rps=R p50_us=.. p90_us=.. p99_us=.. max_us=.. errors=E
local common = {}

common.token = os.getenv("TAGLOOP_TOKEN") or error("TAGLOOP_TOKEN is not set")
common.as_of = os.getenv("TAGLOOP_AS_OF") or "2026-10-31"

local counter = 0
function common.setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function common.seed()
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function common.done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "WRK_RESULT requests=%d seconds=%.2f rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, errors))
end

return common
