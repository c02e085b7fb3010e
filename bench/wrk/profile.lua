-- wrk -s bench/wrk/profile.lua URL: GET /api/v1/users/{id}/profile?as_of=..
-- for ids drawn at random from the file TAGLOOP_IDS (one known id per line).
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
local common = require("common")

local ids = {}
local headers = { ["Authorization"] = "Bearer " .. common.token }

setup = common.setup
done = common.done

function init(args)
  common.seed()
  local path = os.getenv("TAGLOOP_IDS") or error("TAGLOOP_IDS is not set")
  for line in io.lines(path) do ids[#ids + 1] = line end
end

function request()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/v1/users/" .. id .. "/profile?as_of=" .. common.as_of, headers)
end
