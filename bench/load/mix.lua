-- wrk script of bench/load_bench.py: varied requests read from a file, an optional think time
-- per connection (so c connections offer about c / think requests per second, as c users
-- would), status and X-Cache counts, and a JSON summary on stdout.
--
-- Environment: LOAD_REQUESTS (file: one request per line, METHOD<TAB>PATH<TAB>BODY),
-- LOAD_THINK_MS (mean think time per connection in ms; 0 = closed loop, as fast as answered),
-- LOAD_THREADS (wrk's thread count: each thread walks its share of the file).
--
-- A redirect (the verification form's 303 to the stored result) is followed as a browser follows
-- it: the thread's next request is a GET of the Location, sent without a think time.

local requests = {}
local threads = {}
local counter = 1
local think = tonumber(os.getenv("LOAD_THINK_MS") or "0")
local follow = {}
-- Globals, so that done() can read each thread's counts with thread:get().
statuses = {}
hits, misses = 0, 0

local function split(line)
  local method, path, body = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
  return method, path, body
end

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("LOAD_REQUESTS"), "r"))
  for line in file:lines() do
    local method, path, body = split(line)
    -- The JSON API, or the portal's pages as a browser asks for them (bench/pages_ab.py).
    local api = path:sub(1, 5) == "/api/"
    local headers = { ["Accept"] = api and "application/json" or "text/html" }
    if body ~= nil and body ~= "" then
      headers["Content-Type"] = body:sub(1, 1) == "{" and "application/json"
        or "application/x-www-form-urlencoded"
    else
      body = nil
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  file:close()
  -- Each thread starts at its own share of the list (LOAD_THREADS: wrk's -t), so they do not
  -- send the same requests, and a run given a long enough file sends no line twice.
  counter = math.floor((id - 1) * #requests / tonumber(os.getenv("LOAD_THREADS") or "1")) + 1
  math.randomseed(os.time() + id * 7919)
end

function delay()
  if think <= 0 or #follow > 0 then
    return 0
  end
  -- Exponential think time: the requests of many connections arrive as a Poisson stream.
  return math.floor(-math.log(1 - math.random()) * think)
end

function request()
  if #follow > 0 then
    return wrk.format("GET", table.remove(follow, 1), { ["Accept"] = "text/html" })
  end
  local r = requests[counter]
  counter = counter + 1
  if counter > #requests then
    counter = 1
  end
  return r
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 302 or status == 303 then
    local location = headers["location"] or headers["Location"]
    if location ~= nil then
      table.insert(follow, (location:gsub("^https?://[^/]+", "")))
    end
  end
  local state = headers["x-cache"] or headers["X-Cache"]
  if state == "hit" then
    hits = hits + 1
  elseif state == "miss" then
    misses = misses + 1
  end
end

function done(summary, latency, requests_)
  local merged, cache_hits, cache_misses = {}, 0, 0
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + n
    end
    cache_hits = cache_hits + thread:get("hits")
    cache_misses = cache_misses + thread:get("misses")
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'LOADJSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"statuses": {%s}, "cache_hits": %d, "cache_misses": %d, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ", "), cache_hits, cache_misses,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
