-- GET the URL given to wrk as signed-in members: each request carries one member's session
-- cookie (and CSRF cookie), the members taken in turn (members.lua).
dofile(os.getenv("RUCHE_WRK_DIR") .. "/report.lua")
dofile(os.getenv("RUCHE_WRK_DIR") .. "/members.lua")

function init(args)
  load_members(args)
end

function request()
  return wrk.format("GET", nil, {["Cookie"] = next_member().cookie})
end
