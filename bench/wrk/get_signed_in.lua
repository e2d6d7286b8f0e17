-- GET the URL given to wrk as signed-in members: each request carries one member's session
-- cookie (and CSRF cookie), the members taken in turn from the voters file that
-- bench.loadtest_django prepare writes (one line per member: session key, CSRF token, ideas).
dofile(os.getenv("RUCHE_WRK_DIR") .. "/report.lua")

local members = {}
local counter = 0
local threads = 1
local next_id = 0
thread_id = 0 -- a global: setup() below sets it in each thread's own state

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  threads = tonumber(args[2]) or 1
  for line in io.lines(args[1]) do
    local session, csrf = line:match("^(%S+) (%S+)")
    members[#members + 1] = "sessionid=" .. session .. "; csrftoken=" .. csrf
  end
end

function request()
  local cookie = members[((thread_id + counter * threads) % #members) + 1]
  counter = counter + 1
  return wrk.format("GET", nil, {["Cookie"] = cookie})
end
