-- wrk script of benchmarks/server.sh: POSTs one Secrets Manager operation, chosen by the
-- environment variable OP (GetSecretValue, PutSecretValue, UpdateSecretVersionStage), on the
-- secret "bench" that server.sh creates with versions V1 and V2.
--
-- UpdateSecretVersionStage moves a custom label of the thread's own ("bench-<n>") between V1
-- and V2, so that every request is a real label move; run it with one connection per thread.

local op = os.getenv("OP") or "GetSecretValue"
local V1 = "00000000-0000-4000-8000-000000000001"
local V2 = "00000000-0000-4000-8000-000000000002"
local counter = 0
local on_v1 = true  -- where this thread's label is now
local threads = {}

-- ID_BASE: added to the thread numbers, so that several wrk processes at once (benchmarks/
-- database.sh) send distinct ClientRequestTokens and labels.
local id_base = tonumber(os.getenv("ID_BASE") or "0")

function setup(thread)
  thread:set("id", id_base + #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
  wrk.headers["X-Amz-Target"] = "secretsmanager." .. op
  wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=x/20261128/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0"
end

function request()
  counter = counter + 1
  local body
  if op == "GetSecretValue" then
    body = '{"SecretId":"bench"}'
  elseif op == "PutSecretValue" then
    body = string.format('{"SecretId":"bench","SecretString":"value-%d-%d","ClientRequestToken":"%08d-%04d-4000-8000-%012d"}',
                         id, counter, id, counter % 10000, counter)
  else
    local from, to = V1, V2
    if not on_v1 then from, to = V2, V1 end
    body = string.format('{"SecretId":"bench","VersionStage":"bench-%d","RemoveFromVersionId":"%s","MoveToVersionId":"%s"}',
                         id, from, to)
  end
  return wrk.format(nil, "/", nil, body)
end

-- The label changes side only when a move succeeds. (Alternating by a request counter was one
-- move off: wrk calls request() once more than it sends, to check the script, in the first
-- thread's state; that thread's first move then named the wrong side and was refused.) Defined
-- for the label moves only: wrk parses every response when response() exists.
if op == "UpdateSecretVersionStage" then
  function response(status, headers, body)
    if status == 200 then on_v1 = not on_v1 end
  end
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
