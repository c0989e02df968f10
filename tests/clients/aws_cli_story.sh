#!/usr/bin/env bash
# The label story of issue 4, told with Debian's AWS CLI v2 (/usr/bin/aws) against a running
# secretstage-server (see with_server.sh). Every expectation comes from docs/semantics.md; the CLI
# exits 254 on a service error and prints
#   An error occurred (<Code>) when calling the <Operation> operation: <Message>
set -uo pipefail
: "${SECRETSTAGE_ENDPOINT:?run me through tests/clients/with_server.sh}"
: "${STORY_ROTATION_ARN:?}" "${STORY_ROTATED_VALUE:?}"

export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" \
       AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_MAX_ATTEMPTS AWS_PROFILE AWS_DEFAULT_PROFILE

V1=11111111-1111-4111-8111-111111111111
V2=22222222-2222-4222-8222-222222222222
V3=33333333-3333-4333-8333-333333333333
failures=0
out= err= rc=

sm() {
  local o e
  o=$(mktemp) e=$(mktemp)
  /usr/bin/aws --endpoint-url "$SECRETSTAGE_ENDPOINT" --region "${STORY_REGION:-us-east-1}" \
    secretsmanager "$@" \
    >"$o" 2>"$e"
  rc=$?
  out=$(cat "$o") err=$(cat "$e")
  rm -f "$o" "$e"
}

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# ok <description> <expected stdout> <aws args…>: exit 0 and exactly this output.
ok() {
  local what=$1 expected=$2
  shift 2
  sm "$@"
  if [[ $rc -ne 0 ]]; then
    fail "$what: exit $rc, stderr: $err"
  elif [[ $out != "$expected" ]]; then
    fail "$what: expected [$expected], got [$out]"
  else
    echo "ok: $what"
  fi
}

# fails <description> <operation> <code> <message> <aws args…>: exit 254 and AWS's error line.
fails() {
  local what=$1 operation=$2 code=$3 message=$4
  shift 4
  sm "$@"
  local line="An error occurred ($code) when calling the $operation operation: $message"
  if [[ $rc -ne 254 ]]; then
    fail "$what: expected exit 254, got $rc (stdout: $out, stderr: $err)"
  elif [[ $(printf '%s\n' "$err" | sed '/^$/d') != "$line" ]]; then
    fail "$what: expected stderr [$line], got [$err]"
  else
    echo "ok: $what"
  fi
}

ok "create-secret returns the name and the token as VersionId" "story/db	$V1" \
  create-secret --name story/db --secret-string story-value-1 --client-request-token "$V1" \
  --query '[Name, VersionId]' --output text

sm describe-secret --secret-id story/db --query ARN --output text
[[ $rc -eq 0 && $out =~ ^arn:aws:secretsmanager:us-east-1:123456789012:secret:story/db-[A-Za-z0-9]{6}$ ]] ||
  fail "ARN has AWS's shape: got [$out] (exit $rc)"
arn=$out

ok "put-secret-value --version-stages AWSCURRENT labels the new version" "$V2	AWSCURRENT" \
  put-secret-value --secret-id story/db --secret-string story-value-2 --client-request-token "$V2" \
  --version-stages AWSCURRENT --query '[VersionId, join(`,`, VersionStages)]' --output text

ok "put-secret-value --version-stages AWSPENDING leaves AWSCURRENT where it is" "$V3	AWSPENDING" \
  put-secret-value --secret-id "$arn" --secret-string story-value-3 --client-request-token "$V3" \
  --version-stages AWSPENDING --query '[VersionId, join(`,`, VersionStages)]' --output text

fails "moving AWSCURRENT without RemoveFromVersionId" UpdateSecretVersionStage \
  InvalidParameterException \
  "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version $V2, so you must explicitly reference that version in RemoveFromVersionId." \
  update-secret-version-stage --secret-id story/db --version-stage AWSCURRENT \
  --move-to-version-id "$V3"

ok "moving AWSCURRENT from V2 to V3" "story/db" \
  update-secret-version-stage --secret-id story/db --version-stage AWSCURRENT \
  --remove-from-version-id "$V2" --move-to-version-id "$V3" --query Name --output text

ok "AWSPREVIOUS followed AWSCURRENT; V1 lost its last label and is not listed" \
  "$V2	AWSPREVIOUS
$V3	AWSCURRENT,AWSPENDING" \
  list-secret-version-ids --secret-id story/db \
  --query 'sort_by(Versions, &VersionId)[].[VersionId, join(`,`, sort(VersionStages))]' --output text

ok "--include-deprecated lists V1, without a VersionStages member" \
  "$V1	null
$V2	[\"AWSPREVIOUS\"]
$V3	[\"AWSCURRENT\",\"AWSPENDING\"]" \
  list-secret-version-ids --secret-id story/db --include-deprecated \
  --query 'sort_by(Versions, &VersionId)[].[VersionId, to_string(VersionStages)]' --output text

ok "get-secret-value --version-stage AWSPREVIOUS reads V2" "story-value-2	$V2" \
  get-secret-value --secret-id story/db --version-stage AWSPREVIOUS \
  --query '[SecretString, VersionId]' --output text

ok "removing AWSPENDING from V3 by hand" "story/db" \
  update-secret-version-stage --secret-id story/db --version-stage AWSPENDING \
  --remove-from-version-id "$V3" --query Name --output text

# stages_of <secret> <version…>: "<sorted ids>\t<stages of the 1st>\t<stages of the 2nd>…"
stages_query() {
  local q="[join(',', sort(keys(VersionIdsToStages)))"
  for v in "$@"; do q+=", join(',', sort(VersionIdsToStages.\"$v\"))"; done
  printf '%s]' "$q"
}

ok "describe-secret maps versions to stages" "$V2,$V3	AWSPREVIOUS	AWSCURRENT" \
  describe-secret --secret-id story/db --query "$(stages_query "$V2" "$V3")" --output text

fails "rotate-secret with a function the service cannot invoke" RotateSecret AccessDeniedException \
  "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com." \
  rotate-secret --secret-id story/db \
  --rotation-lambda-arn arn:aws:lambda:us-east-1:123456789012:function:not-registered

ok "the refused rotation changed nothing" "None	None" \
  describe-secret --secret-id story/db --query '[RotationLambdaARN, RotationRules]' --output text

sm rotate-secret --secret-id story/db --rotation-lambda-arn "$STORY_ROTATION_ARN" \
  --rotation-rules AutomaticallyAfterDays=30 --query VersionId --output text
if [[ $rc -ne 0 || ! $out =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]; then
  fail "rotate-secret with the registered function: exit $rc, VersionId [$out] (expected the CLI's UUIDv4 token), stderr: $err"
else
  echo "ok: rotate-secret with the registered function"
fi
rotated=$out

# The rotation runs after rotate-secret has answered, as AWS runs it: the server's workers run the
# built-in function's four steps. Wait (at most 20 s) for finishSecret to make it AWSCURRENT.
for ((i = 0; i < 400; i++)); do
  sm get-secret-value --secret-id story/db --query VersionId --output text
  [[ $rc -eq 0 && $out == "$rotated" ]] && break
  sleep 0.05
done

ok "the rotated version is AWSCURRENT with the function's value" "$STORY_ROTATED_VALUE	$rotated" \
  get-secret-value --secret-id story/db --query '[SecretString, VersionId]' --output text

ok "finishSecret moved AWSPREVIOUS to V3 and removed AWSPENDING" \
  "$(printf '%s\n' "$V3" "$rotated" | sort | paste -sd,)	AWSPREVIOUS	AWSCURRENT" \
  describe-secret --secret-id story/db --query "$(stages_query "$V3" "$rotated")" --output text

ok "rotation is enabled with the function and its rules" "True	$STORY_ROTATION_ARN	30" \
  describe-secret --secret-id story/db \
  --query '[RotationEnabled, RotationLambdaARN, RotationRules.AutomaticallyAfterDays]' --output text

sm delete-secret --secret-id story/db --recovery-window-in-days 7 --query '[Name, DeletionDate]' \
  --output text
[[ $rc -eq 0 && $out =~ ^story/db$'\t'[0-9]{4}-[0-9]{2}-[0-9]{2}T ]] ||
  fail "delete-secret with a 7-day window: exit $rc, got [$out], stderr: $err"

fails "a secret scheduled for deletion cannot be read" GetSecretValue InvalidRequestException \
  "You can't perform this operation on the secret because it was marked for deletion." \
  get-secret-value --secret-id story/db

ok "restore-secret" "story/db" restore-secret --secret-id story/db --query Name --output text

ok "after restore the current value is readable again" "$STORY_ROTATED_VALUE" \
  get-secret-value --secret-id story/db --query SecretString --output text

fails "an unknown secret" GetSecretValue ResourceNotFoundException \
  "Secrets Manager can't find the specified secret." \
  get-secret-value --secret-id story/nothing

# Resource policies (docs/semantics.md#resource-policies).
POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}'
PUBLIC='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}'

ok "get-resource-policy before any policy: no ResourcePolicy" "story/db	None" \
  get-resource-policy --secret-id story/db --query '[Name, ResourcePolicy]' --output text

ok "put-resource-policy with --block-public-policy" "story/db" \
  put-resource-policy --secret-id story/db --resource-policy "$POLICY" --block-public-policy \
  --query Name --output text

ok "get-resource-policy returns the policy exactly as put" "$POLICY" \
  get-resource-policy --secret-id story/db --query ResourcePolicy --output text

fails "a public policy is refused under --block-public-policy" PutResourcePolicy \
  PublicPolicyException \
  "You can't attach a resource-based policy that allows broad access to the secret." \
  put-resource-policy --secret-id story/db --resource-policy "$PUBLIC" --block-public-policy

ok "the refused policy left the stored one in place" "$POLICY" \
  get-resource-policy --secret-id story/db --query ResourcePolicy --output text

fails "a document that is not a policy" PutResourcePolicy MalformedPolicyDocumentException \
  "This policy has invalid syntax." \
  put-resource-policy --secret-id story/db --resource-policy '{"Statement":[]}'

ok "validate-resource-policy: a policy for one account passes" "True" \
  validate-resource-policy --secret-id story/db --resource-policy "$POLICY" \
  --query PolicyValidationPassed --output text

ok "validate-resource-policy without a secret: the broad-access finding" \
  "False	BROAD_ACCESS" \
  validate-resource-policy --resource-policy "$PUBLIC" \
  --query '[PolicyValidationPassed, ValidationErrors[0].CheckName]' --output text

ok "delete-resource-policy" "story/db" \
  delete-resource-policy --secret-id story/db --query Name --output text

ok "after delete-resource-policy there is no ResourcePolicy" "None" \
  get-resource-policy --secret-id story/db --query ResourcePolicy --output text

ok "delete-resource-policy again succeeds (nothing to delete)" "story/db" \
  delete-resource-policy --secret-id story/db --query Name --output text

ok "without --block-public-policy a public policy is stored" "story/db" \
  put-resource-policy --secret-id story/db --resource-policy "$PUBLIC" --query Name --output text

ok "and read back" "$PUBLIC" \
  get-resource-policy --secret-id story/db --query ResourcePolicy --output text

# ---- replication (docs/semantics.md#replication): one endpoint serves every Region, each
# request's Region being the one its signature is scoped to (--region).
# A server on a database (tests/database/with_server.sh sets STORY_NO_REPLICATION) refuses
# replication with InvalidRequestException and changes nothing (docs/durability.md).
if [[ -n ${STORY_NO_REPLICATION:-} ]]; then
fails "replicate-secret-to-regions is refused on a database" ReplicateSecretToRegions InvalidRequestException \
  "Replication is not available on a secretstage-server that keeps its secrets in a database (--database). Run the server without --database to replicate secrets." \
  replicate-secret-to-regions --secret-id story/db --add-replica-regions Region=eu-west-1
ok "and the secret has no replication status" "None" \
  describe-secret --secret-id story/db --query ReplicationStatus --output text
else
ok "replicate-secret-to-regions: the new Region is in progress" "eu-west-1	InProgress" \
  replicate-secret-to-regions --secret-id story/db --add-replica-regions Region=eu-west-1 \
  --query 'ReplicationStatus[0].[Region, Status]' --output text

ok "describe-secret in the primary's Region: the replica is in sync" "eu-west-1	InSync" \
  describe-secret --secret-id story/db --query 'ReplicationStatus[0].[Region, Status]' --output text

CURRENT_PRIMARY=$(/usr/bin/aws --endpoint-url "$SECRETSTAGE_ENDPOINT" --region us-east-1 \
  secretsmanager get-secret-value --secret-id story/db --query SecretString --output text)
STORY_REGION=eu-west-1
ok "the replica in its Region has the primary's value" "$CURRENT_PRIMARY" \
  get-secret-value --secret-id story/db --query SecretString --output text

ok "describe-secret of the replica: PrimaryRegion, its ARN in its own Region" "us-east-1	True" \
  describe-secret --secret-id story/db \
  --query "[PrimaryRegion, starts_with(ARN, 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:story/db-')]" \
  --output text

fails "put-secret-value on the replica is refused" PutSecretValue InvalidParameterException \
  "Operation not permitted on a replica secret. Call must be made in primary secret's region." \
  put-secret-value --secret-id story/db --secret-string refused --client-request-token "$V3"

STORY_REGION=us-east-1
V5=55555555-5555-4555-8555-555555555555
ok "a new value in the primary's Region" "$V5" \
  put-secret-value --secret-id story/db --secret-string replicated-value \
  --client-request-token "$V5" --query VersionId --output text

STORY_REGION=eu-west-1
ok "reaches the replica" "replicated-value	$V5" \
  get-secret-value --secret-id story/db --query '[SecretString, VersionId]' --output text

STORY_REGION=us-east-1
fails "delete-secret of a primary with replicas is refused" DeleteSecret InvalidParameterException \
  "You can't delete secret $(/usr/bin/aws --endpoint-url "$SECRETSTAGE_ENDPOINT" --region us-east-1 secretsmanager describe-secret --secret-id story/db --query ARN --output text) that still has replica regions [eu-west-1]." \
  delete-secret --secret-id story/db

STORY_REGION=eu-west-1
ok "stop-replication-to-replica answers the replica's ARN" "True" \
  stop-replication-to-replica --secret-id story/db \
  --query "starts_with(ARN, 'arn:aws:secretsmanager:eu-west-1:')" --output text

ok "the promoted secret has no PrimaryRegion" "None" \
  describe-secret --secret-id story/db --query PrimaryRegion --output text

V4=44444444-4444-4444-8444-444444444444
ok "the promoted secret takes writes in its Region" "$V4" \
  put-secret-value --secret-id story/db --secret-string own --client-request-token "$V4" \
  --query VersionId --output text

STORY_REGION=us-east-1
ok "the primary no longer lists the Region" "None" \
  describe-secret --secret-id story/db --query ReplicationStatus --output text

ok "replicate to another Region" "us-west-2	InProgress" \
  replicate-secret-to-regions --secret-id story/db --add-replica-regions Region=us-west-2 \
  --query 'ReplicationStatus[0].[Region, Status]' --output text

ok "remove-regions-from-replication leaves no replica status" "0" \
  remove-regions-from-replication --secret-id story/db --remove-replica-regions us-west-2 \
  --query 'length(ReplicationStatus)' --output text

STORY_REGION=us-west-2
fails "the removed replica is gone from its Region" DescribeSecret ResourceNotFoundException \
  "Secrets Manager can't find the specified secret." \
  describe-secret --secret-id story/db
STORY_REGION=us-east-1
fi

if [[ $failures -ne 0 ]]; then
  echo "aws_cli_story: $failures failure(s)" >&2
  exit 1
fi
echo "aws_cli_story: all steps passed"
