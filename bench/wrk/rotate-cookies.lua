-- Returning clients: each request carries the next cookie of the list given after `--`.
dofile(os.getenv('BENCH_WRK_DIR') .. '/report.lua')

local requests = {}
local count = 0
local index = 0

function init(args)
  -- Requests are formatted once here so the Lua cost per request stays a table lookup.
  for line in io.lines(args[1]) do
    if line ~= '' then
      count = count + 1
      requests[count] = wrk.format('GET', wrk.path, { Cookie = line })
    end
  end
  if count == 0 then error('no cookies in ' .. tostring(args[1])) end
end

function request()
  index = index % count + 1
  return requests[index]
end
