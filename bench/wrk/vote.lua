-- Logged-in vote toggles as the site's htmx button sends them: POST /ideas/<id>/vote/ with the
-- member's session cookie and CSRF token. The voters file (one line per member: session key,
-- CSRF token, comma-separated idea ids) is written beforehand by bench.loadtest_django prepare.
dofile(os.getenv("RUCHE_WRK_DIR") .. "/report.lua")

local voters = {}
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
    local session, csrf, ideas = line:match("^(%S+) (%S+) (%S+)$")
    local list = {}
    for id in ideas:gmatch("%d+") do list[#list + 1] = id end
    voters[#voters + 1] = {session = session, csrf = csrf, ideas = list}
  end
  math.randomseed(os.time() + thread_id)
end

function request()
  local voter = voters[((thread_id + counter * threads) % #voters) + 1]
  counter = counter + 1
  local idea = voter.ideas[math.random(#voter.ideas)]
  return wrk.format("POST", "/ideas/" .. idea .. "/vote/", {
    ["Cookie"] = "sessionid=" .. voter.session .. "; csrftoken=" .. voter.csrf,
    ["X-CSRFToken"] = voter.csrf,
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "")
end
