-- wrk script for bench/run: one file for every route.
--
-- What it adds to plain wrk:
--  * counts every answer outside 200–299 (wrk's own "Non-2xx or 3xx" line counts a 303 to
--    /login as a success, which would hide a lost session);
--  * stops sending after FD_SECONDS and waits for every request in flight to be answered, so
--    nothing is cut off: every PATCH the server committed was answered and counted, and no
--    abandoned request is still running on the server while the next route is measured. wrk's
--    own -d is only a limit: each thread stops its loop once drained and says so with a file
--    in FD_DONE_DIR, and bench/run then ends wrk (SIGINT) rather than let it sleep out its -d;
--  * reports one `BENCH key=value ...` line, with requests/s over the time requests were
--    actually in flight (first send to last answer);
--  * with FD_PATCH_FILE set, sends status changes: lines `id version status`, each wrk thread
--    taking its own share (line number modulo the thread count), round-robin.
--
-- Environment: FD_SECONDS, FD_THREADS (wrk's -t), FD_DONE_DIR, FD_PATCH_FILE.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } fd_timespec;
  int clock_gettime(int clock, fd_timespec *ts);
]]
local timespec = ffi.new("fd_timespec")
local function now()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local seconds = tonumber(os.getenv("FD_SECONDS") or "10")
local done_dir = os.getenv("FD_DONE_DIR")
local thread_count = tonumber(os.getenv("FD_THREADS") or "1")
local patch_file = os.getenv("FD_PATCH_FILE")

-- Runs in the main Lua state once per thread, before the threads start.
local threads = {}
function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

-- Everything below runs in each thread's own Lua state.
local static_request
local claims, claims_by_id = {}, {}
local next_claim = 0
local deadline, first_sent, last_answer

function init(args)
  sent, answered, ok, bad, first_bad, span = 0, 0, 0, 0, "", 0
  deadline = now() + seconds
  if not patch_file then
    static_request = wrk.format()
    return
  end
  local line_number = 0
  for line in io.lines(patch_file) do
    if line_number % thread_count == thread_index then
      local id, version, status = line:match("^(%S+)%s+(%d+)%s+(%S+)$")
      local claim = { id = id, first = tonumber(version), version = tonumber(version), status = status }
      table.insert(claims, claim)
      claims_by_id[id] = claim
    end
    line_number = line_number + 1
  end
  if #claims == 0 then
    error("no claims for thread " .. thread_index .. " in " .. patch_file)
  end
end

-- A status change under If-Match: unchecked → in_progress → unchecked (no reason needed either
-- way), from the claim's status and version in its last answer. Each thread has at most its
-- connection count in flight and a larger share of claims, so a claim's previous change has
-- been answered before the next one is sent. (State moves only on answers: wrk calls request()
-- once before the run to check the script, and that request is never sent.)
--
-- If-Match lists every version the claim has had in this run, oldest first, so the server must
-- find the current one in a list, as a client holding several copies would send.
local function patch_request()
  next_claim = next_claim % #claims + 1
  local claim = claims[next_claim]
  local tags = {}
  for v = claim.first, claim.version do
    tags[#tags + 1] = '"' .. v .. '"'
  end
  local target = (claim.status == "unchecked") and "in_progress" or "unchecked"
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["Content-Type"] = "application/json"
  headers["If-Match"] = table.concat(tags, ", ")
  return wrk.format("PATCH", "/api/v1/claims/" .. claim.id, headers,
    '{"status": "' .. target .. '"}')
end

-- A changed claim's answer is the claim: its own fields come first, so the first `id`, `status`
-- and `version` are the claim's (quotes inside strings are escaped and never match).
local function remember(body)
  local claim = claims_by_id[body:match('"id":"([^"]+)"') or ""]
  if claim then
    claim.status = body:match('"status":"([^"]+)"') or claim.status
    claim.version = tonumber(body:match('"version":(%d+)')) or claim.version
  end
end

function request()
  first_sent = first_sent or now()
  if patch_file then
    return patch_request()
  end
  return static_request
end

-- Once drained, the thread stops its loop and leaves a file for bench/run to see.
local finished = false
local function finish_if_drained()
  if finished or now() < deadline or sent > answered then
    return
  end
  finished = true
  if done_dir then
    io.open(done_dir .. "/thread-" .. thread_index, "w"):close()
  end
  wrk.thread:stop()
end

-- wrk asks before every request it sends (the first on each connection too, but not the one
-- it builds to check the script), so this is where sends are counted. Past the deadline a
-- connection waits (an hour, longer than any run) instead of sending again.
function delay()
  if now() < deadline then
    sent = sent + 1
    return 0
  end
  finish_if_drained()
  return 3600 * 1000
end

function response(status, headers, body)
  answered = answered + 1
  last_answer = now()
  span = last_answer - first_sent
  if status >= 200 and status <= 299 then
    ok = ok + 1
    if patch_file then
      remember(body)
    end
  else
    bad = bad + 1
    if first_bad == "" then
      -- One line of ASCII: a cut could otherwise fall inside a UTF-8 character.
      local text = (body or ""):gsub("[\128-\255]", ""):gsub("%s+", " ")
      first_bad = tostring(status) .. " " .. string.sub(text, 1, 160)
    end
  end
  finish_if_drained()
end

-- Back in the main state: add up the threads and print one line for bench/run to read.
function done(summary, latency, requests)
  local totals = { sent = 0, answered = 0, ok = 0, bad = 0, span = 0 }
  local first_bad = ""
  for _, thread in ipairs(threads) do
    for key in pairs(totals) do
      local value = thread:get(key) or 0
      if key == "span" then
        totals.span = math.max(totals.span, value)
      else
        totals[key] = totals[key] + value
      end
    end
    if first_bad == "" then
      first_bad = thread:get("first_bad") or ""
    end
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write
  local rate = totals.span > 0 and totals.answered / totals.span or 0
  -- slow: answers later than wrk's --timeout, which it leaves out of its latencies; unanswered:
  -- sent but never answered (cut off by wrk's -d, or lost with a connection).
  io.write(string.format(
    "BENCH rps=%.1f p50_ms=%.3f p99_ms=%.3f answered=%d unanswered=%d ok=%d non2xx=%d socket_errors=%d slow=%d\n",
    rate, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    totals.answered, totals.sent - totals.answered, totals.ok, totals.bad, socket_errors, errors.timeout))
  if first_bad ~= "" then
    io.write("BENCH first_non2xx=" .. first_bad .. "\n")
  end
end
