-- Shared by the signed-in wrk scripts: the members of the voters file that
-- bench.loadtest_django prepare writes (one line per member: session key, CSRF token,
-- comma-separated idea ids), taken in turn by each of wrk's threads.
local members = {}
local counter = 0
local threads = 1
local next_id = 0
thread_id = 0 -- a global: setup() below sets it in each thread's own state

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

-- init(args) of a script: args[1] the voters file, args[2] wrk's thread count.
function load_members(args)
  threads = tonumber(args[2]) or 1
  for line in io.lines(args[1]) do
    local session, csrf, ideas = line:match("^(%S+) (%S+)%s*(%S*)$")
    local list = {}
    for id in ideas:gmatch("%d+") do list[#list + 1] = id end
    members[#members + 1] = {
      session = session, csrf = csrf, ideas = list,
      cookie = "sessionid=" .. session .. "; csrftoken=" .. csrf,
    }
  end
  math.randomseed(os.time() + thread_id)
end

function next_member()
  local member = members[((thread_id + counter * threads) % #members) + 1]
  counter = counter + 1
  return member
end
