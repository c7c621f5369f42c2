-- wrk script: cycle through the request paths given in the PATHS environment variable (one per
-- line), count answers that are not 200, and print the numbers as one JSON line at the end.
local paths = {}
for line in string.gmatch(os.getenv("PATHS") or "/", "[^\n]+") do
  table.insert(paths, line)
end
local counter = 0
local failures = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

response = function(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.1f, "p95": %.1f, "p99": %.1f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors))
end
