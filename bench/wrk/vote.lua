-- Logged-in vote toggles as the site's htmx button sends them: POST /ideas/<id>/vote/ with the
-- member's session cookie and CSRF token, the members taken in turn (members.lua), each on one
-- of the ideas listed for them.
dofile(os.getenv("RUCHE_WRK_DIR") .. "/report.lua")
dofile(os.getenv("RUCHE_WRK_DIR") .. "/members.lua")

function init(args)
  load_members(args)
end

function request()
  local voter = next_member()
  local idea = voter.ideas[math.random(#voter.ideas)]
  return wrk.format("POST", "/ideas/" .. idea .. "/vote/", {
    ["Cookie"] = voter.cookie,
    ["X-CSRFToken"] = voter.csrf,
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "")
end
