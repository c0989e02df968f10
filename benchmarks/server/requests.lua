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
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
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
    if counter % 2 == 0 then from, to = V2, V1 end
    body = string.format('{"SecretId":"bench","VersionStage":"bench-%d","RemoveFromVersionId":"%s","MoveToVersionId":"%s"}',
                         id, from, to)
  end
  return wrk.format(nil, "/", nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
