-- wrk -s bench/wrk/count.lua URL: POST /api/v1/segments/count, cycling through
-- audiences of the wide benchmark store (bench/wide_model.h: t000 bool,
-- t001 enum, t002 set, t003 int, t004 decimal:2, t005 date, then again).
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
local common = require("common")

local exprs = {
  "t000 AND t001 = 'v03'",
  "t003 BETWEEN 20000 AND 60000 AND t002 CONTAINS ANY ('s1', 's4')",
  "(t006 OR t012) AND t004 >= 50000 AND t007 NOT IN ('v00', 'v01')",
  "t005 >= '2025-01-01' AND t011 < '2021-06-30' AND t000",
  "t009 > 90000 OR t015 < 1000",
  "t001 IN ('v10', 'v11', 'v12') AND NOT t006 AND t008 CONTAINS ALL ('s2', 's3') AND t010 BETWEEN 100 AND 5000",
}
local headers = { ["Authorization"] = "Bearer " .. common.token, ["Content-Type"] = "application/json" }
local bodies = {}
local next_body = 0

setup = common.setup
done = common.done

function init(args)
  common.seed()
  for i, e in ipairs(exprs) do
    bodies[i] = string.format('{"expr": "%s", "as_of": "%s"}', e, common.as_of)
  end
  next_body = math.random(#bodies) - 1
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/api/v1/segments/count", headers, bodies[next_body])
end
