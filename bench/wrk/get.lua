-- GET the URL given to wrk, anonymously, and report (report.lua).
dofile(os.getenv("RUCHE_WRK_DIR") .. "/report.lua")
