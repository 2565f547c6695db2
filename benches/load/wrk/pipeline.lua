-- HTTP/1.1 pipelining for wrk (bench.py's PIPELINE=N): every write sends
-- PIPELINE requests at once, so the one wrk thread spends far fewer system
-- calls per request and stops being the ceiling. The request itself (method,
-- headers, body) comes from the endpoint's own script, named by WRK_INNER.
local depth = tonumber(os.getenv("PIPELINE") or "1")
local inner = os.getenv("WRK_INNER")
if inner and inner ~= "" then
  dofile(inner)
end

init = function(args)
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format()
  end
  req = table.concat(r)
end

request = function()
  return req
end
