#!/usr/bin/python3
"""The label story of issue 4 told with Debian's boto3 (run with /usr/bin/python3) against a running
secretstage-server (see with_server.sh), plus what only an SDK shows: binary values as bytes, the
SDK-generated ClientRequestToken, error codes and messages as ClientError carries them, HTTP status.
Every expectation comes from docs/semantics.md."""

import json
import os
import re
import sys

import boto3
import botocore.config
from botocore.exceptions import ClientError

from story_checks import check, expect_error, finish, wait_for

endpoint = os.environ["SECRETSTAGE_ENDPOINT"]
rotation_arn = os.environ["STORY_ROTATION_ARN"]
rotated_value = os.environ["STORY_ROTATED_VALUE"]

sm = boto3.client(
    "secretsmanager",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="x",
    aws_secret_access_key="x",
    config=botocore.config.Config(retries={"max_attempts": 1}),
)

V1 = "11111111-1111-4111-8111-111111111111"
V2 = "22222222-2222-4222-8222-222222222222"
V3 = "33333333-3333-4333-8333-333333333333"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")




def stages(secret_id):
    described = sm.describe_secret(SecretId=secret_id)
    return {k: sorted(v) for k, v in described["VersionIdsToStages"].items()}


created = sm.create_secret(Name="story/db", SecretString="story-value-1", ClientRequestToken=V1)
check("create_secret returns Name and VersionId", (created["Name"], created["VersionId"]) == ("story/db", V1),
      repr(created))
check("the ARN has AWS's shape",
      re.fullmatch(r"arn:aws:secretsmanager:us-east-1:123456789012:secret:story/db-[A-Za-z0-9]{6}",
                   created["ARN"]) is not None, created["ARN"])
arn = created["ARN"]

put = sm.put_secret_value(SecretId="story/db", SecretString="story-value-2", ClientRequestToken=V2,
                          VersionStages=["AWSCURRENT"])
check("put_secret_value labels the new version AWSCURRENT",
      (put["VersionId"], put["VersionStages"]) == (V2, ["AWSCURRENT"]), repr(put))
put = sm.put_secret_value(SecretId=arn, SecretString="story-value-3", ClientRequestToken=V3,
                          VersionStages=["AWSPENDING"])
check("put_secret_value by ARN with AWSPENDING", put["VersionStages"] == ["AWSPENDING"], repr(put))

expect_error("moving AWSCURRENT without RemoveFromVersionId", "InvalidParameterException",
             "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently "
             f"attached to version {V2}, so you must explicitly reference that version in "
             "RemoveFromVersionId.",
             sm.update_secret_version_stage, SecretId="story/db", VersionStage="AWSCURRENT",
             MoveToVersionId=V3)
check("the failed move changed nothing",
      stages("story/db") == {V1: ["AWSPREVIOUS"], V2: ["AWSCURRENT"], V3: ["AWSPENDING"]},
      repr(stages("story/db")))

moved = sm.update_secret_version_stage(SecretId="story/db", VersionStage="AWSCURRENT",
                                       RemoveFromVersionId=V2, MoveToVersionId=V3)
check("update_secret_version_stage answers ARN and Name",
      (moved["ARN"], moved["Name"]) == (arn, "story/db"), repr(moved))
check("AWSPREVIOUS followed AWSCURRENT; V1 has no label left",
      stages("story/db") == {V2: ["AWSPREVIOUS"], V3: ["AWSCURRENT", "AWSPENDING"]},
      repr(stages("story/db")))

listed = sm.list_secret_version_ids(SecretId="story/db")["Versions"]
check("list_secret_version_ids hides the deprecated V1",
      sorted((v["VersionId"], sorted(v["VersionStages"])) for v in listed)
      == [(V2, ["AWSPREVIOUS"]), (V3, ["AWSCURRENT", "AWSPENDING"])], repr(listed))
listed = sm.list_secret_version_ids(SecretId="story/db", IncludeDeprecated=True)["Versions"]
deprecated = [v for v in listed if v["VersionId"] == V1]
check("IncludeDeprecated lists V1 without a VersionStages member",
      len(listed) == 3 and len(deprecated) == 1 and "VersionStages" not in deprecated[0], repr(listed))
check("every listed version has a CreatedDate", all("CreatedDate" in v for v in listed), repr(listed))

previous = sm.get_secret_value(SecretId="story/db", VersionStage="AWSPREVIOUS")
check("get_secret_value by AWSPREVIOUS reads V2",
      (previous["SecretString"], previous["VersionId"], previous["VersionStages"])
      == ("story-value-2", V2, ["AWSPREVIOUS"]), repr(previous))

sm.update_secret_version_stage(SecretId="story/db", VersionStage="AWSPENDING", RemoveFromVersionId=V3)
expect_error("rotate_secret with a function the service cannot invoke", "AccessDeniedException",
             "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function "
             "policy grants access to the principal secretsmanager.amazonaws.com.",
             sm.rotate_secret, SecretId="story/db",
             RotationLambdaARN="arn:aws:lambda:us-east-1:123456789012:function:not-registered")
check("the refused rotation configured nothing",
      "RotationLambdaARN" not in sm.describe_secret(SecretId="story/db"), "")

rotated = sm.rotate_secret(SecretId="story/db", RotationLambdaARN=rotation_arn,
                           RotationRules={"AutomaticallyAfterDays": 30})
token = rotated.get("VersionId", "")
check("rotate_secret answers the SDK-generated token as VersionId", UUID4.match(token) is not None,
      repr(rotated))
# The rotation runs after RotateSecret has answered, as AWS runs it: the server's workers run the
# built-in function's four steps, each a call back into the server.
wait_for("the rotation's steps made the new version AWSCURRENT",
         lambda: "AWSCURRENT" in stages("story/db").get(token, []))
current = sm.get_secret_value(SecretId="story/db")
check("the rotated version is AWSCURRENT with the function's value",
      (current["SecretString"], current["VersionId"]) == (rotated_value, token), repr(current))
check("finishSecret moved AWSPREVIOUS to V3 and removed AWSPENDING",
      stages("story/db") == {V3: ["AWSPREVIOUS"], token: ["AWSCURRENT"]}, repr(stages("story/db")))
described = sm.describe_secret(SecretId="story/db")
check("rotation is configured",
      (described.get("RotationEnabled"), described.get("RotationLambdaARN"),
       described.get("RotationRules", {}).get("AutomaticallyAfterDays"))
      == (True, rotation_arn, 30), repr(described))

binary = bytes(range(256))
created = sm.create_secret(Name="story/binary", SecretBinary=binary)
check("create_secret without a token gets the SDK's UUIDv4 as VersionId",
      UUID4.match(created.get("VersionId", "")) is not None, repr(created))
read = sm.get_secret_value(SecretId="story/binary")
check("SecretBinary round-trips every byte value", read.get("SecretBinary") == binary and "SecretString" not in read,
      repr(read.keys()))

expect_error("both SecretString and SecretBinary", "InvalidParameterException",
             "You can’t specify both a binary secret value and a string secret value in the same secret.",
             sm.put_secret_value, SecretId="story/db", SecretString="story-value-x", SecretBinary=b"x")

deleted = sm.delete_secret(SecretId="story/db", RecoveryWindowInDays=7)
check("delete_secret answers a DeletionDate", "DeletionDate" in deleted, repr(deleted))
expect_error("a secret scheduled for deletion cannot be read", "InvalidRequestException",
             "You can't perform this operation on the secret because it was marked for deletion.",
             sm.get_secret_value, SecretId="story/db")
sm.restore_secret(SecretId="story/db")
check("after restore the value is readable again",
      sm.get_secret_value(SecretId="story/db")["SecretString"] == rotated_value, "")

expect_error("an unknown secret", "ResourceNotFoundException",
             "Secrets Manager can't find the specified secret.",
             sm.describe_secret, SecretId="story/nothing")

# Resource policies (docs/semantics.md#resource-policies).
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}, indent=2)
PUBLIC = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
arn = sm.describe_secret(SecretId="story/db")["ARN"]
got = sm.get_resource_policy(SecretId="story/db")
check("get_resource_policy before any policy: ARN and Name, no ResourcePolicy",
      (got["ARN"], got["Name"], "ResourcePolicy" in got) == (arn, "story/db", False), repr(got))
put = sm.put_resource_policy(SecretId=arn, ResourcePolicy=POLICY, BlockPublicPolicy=True)
check("put_resource_policy by ARN answers ARN and Name", (put["ARN"], put["Name"]) == (arn, "story/db"), repr(put))
check("get_resource_policy returns the text exactly as put (indentation kept)",
      sm.get_resource_policy(SecretId="story/db").get("ResourcePolicy") == POLICY)
expect_error("a public policy under BlockPublicPolicy", "PublicPolicyException",
             "You can't attach a resource-based policy that allows broad access to the secret.",
             sm.put_resource_policy, SecretId="story/db", ResourcePolicy=PUBLIC, BlockPublicPolicy=True)
expect_error("not a policy", "MalformedPolicyDocumentException", "This policy has invalid syntax.",
             sm.put_resource_policy, SecretId="story/db", ResourcePolicy="not json")
expect_error("a policy for an unknown secret", "ResourceNotFoundException",
             "Secrets Manager can't find the specified secret.",
             sm.put_resource_policy, SecretId="story/nothing", ResourcePolicy=POLICY)
validated = sm.validate_resource_policy(ResourcePolicy=POLICY)
check("validate_resource_policy: passed, with an empty ValidationErrors list",
      (validated["PolicyValidationPassed"], validated["ValidationErrors"]) == (True, []), repr(validated))
validated = sm.validate_resource_policy(SecretId="story/db", ResourcePolicy=PUBLIC)
check("validate_resource_policy: the broad-access finding",
      (validated["PolicyValidationPassed"], [e["CheckName"] for e in validated["ValidationErrors"]])
      == (False, ["BROAD_ACCESS"]), repr(validated))
check("validate_resource_policy stored nothing",
      sm.get_resource_policy(SecretId="story/db").get("ResourcePolicy") == POLICY)
sm.delete_resource_policy(SecretId="story/db")
check("after delete_resource_policy there is no ResourcePolicy",
      "ResourcePolicy" not in sm.get_resource_policy(SecretId="story/db"))
again = sm.delete_resource_policy(SecretId="story/db")
check("delete_resource_policy again succeeds", again["Name"] == "story/db", repr(again))

names = sorted(s["Name"] for s in sm.list_secrets()["SecretList"])
check("list_secrets lists both secrets", names == ["story/binary", "story/db"], repr(names))
password = sm.get_random_password(PasswordLength=40, ExcludePunctuation=True)["RandomPassword"]
check("get_random_password honours its options", len(password) == 40 and password.isalnum(), password)

# ---- replication (docs/semantics.md#replication): a client per Region, one endpoint.
def client_in(region):
    return boto3.client(
        "secretsmanager",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )


def replication_story():
    west = client_in("us-west-2")
    made = sm.create_secret(Name="story/replicated", SecretString="first", ClientRequestToken=V1,
                            AddReplicaRegions=[{"Region": "us-west-2", "KmsKeyId": "alias/west"}])
    check("create_secret with AddReplicaRegions: the Region in progress",
          [(r["Region"], r["Status"], r.get("KmsKeyId")) for r in made.get("ReplicationStatus", [])]
          == [("us-west-2", "InProgress", "alias/west")], repr(made))
    primary = sm.describe_secret(SecretId="story/replicated")
    check("the primary's ReplicationStatus is InSync, no PrimaryRegion",
          ([(r["Region"], r["Status"]) for r in primary.get("ReplicationStatus", [])], "PrimaryRegion" in primary)
          == ([("us-west-2", "InSync")], False), repr(primary))
    replica = west.describe_secret(SecretId="story/replicated")
    check("the replica: PrimaryRegion, the ARN in its Region, its own KmsKeyId",
          (replica.get("PrimaryRegion"), replica["ARN"], replica.get("KmsKeyId"))
          == ("us-east-1", made["ARN"].replace(":us-east-1:", ":us-west-2:"), "alias/west"), repr(replica))
    check("the replica's value is the primary's",
          west.get_secret_value(SecretId="story/replicated")["SecretString"] == "first")
    sm.put_secret_value(SecretId="story/replicated", SecretString="second", ClientRequestToken=V2)
    got = west.get_secret_value(SecretId="story/replicated")
    check("a write to the primary reaches the replica, versions and labels too",
          (got["SecretString"], got["VersionId"], got["VersionStages"]) == ("second", V2, ["AWSCURRENT"]),
          repr(got))
    stages = {v["VersionId"]: v["VersionStages"]
              for v in west.list_secret_version_ids(SecretId="story/replicated")["Versions"]}
    check("the replica's labels are the primary's", stages == {V1: ["AWSPREVIOUS"], V2: ["AWSCURRENT"]},
          repr(stages))
    REPLICA_WRITE = "Operation not permitted on a replica secret. Call must be made in primary secret's region."
    expect_error("update_secret on the replica", "InvalidParameterException", REPLICA_WRITE,
                 west.update_secret, SecretId="story/replicated", Description="no")
    expect_error("tag_resource on the replica", "InvalidParameterException", REPLICA_WRITE,
                 west.tag_resource, SecretId="story/replicated", Tags=[{"Key": "k", "Value": "v"}])
    expect_error("delete_secret on the replica", "InvalidParameterException", REPLICA_WRITE,
                 west.delete_secret, SecretId="story/replicated")
    expect_error("delete_secret of the primary with replicas", "InvalidParameterException",
                 f"You can't delete secret {made['ARN']} that still has replica regions [us-west-2].",
                 sm.delete_secret, SecretId="story/replicated")
    expect_error("replicating to the primary's own Region", "InvalidParameterException",
                 "Invalid replica region.",
                 sm.replicate_secret_to_regions, SecretId="story/replicated",
                 AddReplicaRegions=[{"Region": "us-east-1"}])
    europe = client_in("eu-west-1")
    europe.create_secret(Name="story/replicated", SecretString="theirs", ClientRequestToken=V3)
    added = sm.replicate_secret_to_regions(SecretId="story/replicated", AddReplicaRegions=[{"Region": "eu-west-1"}])
    check("replicate_secret_to_regions answers both Regions",
          [(r["Region"], r["Status"]) for r in added["ReplicationStatus"]]
          == [("us-west-2", "InSync"), ("eu-west-1", "InProgress")], repr(added))
    status = {r["Region"]: (r["Status"], r.get("StatusMessage"))
              for r in sm.describe_secret(SecretId="story/replicated")["ReplicationStatus"]}
    check("a Region with a secret of the name: Failed, that secret untouched",
          (status["eu-west-1"], europe.get_secret_value(SecretId="story/replicated")["SecretString"])
          == (("Failed", "Secret with this name already exists in this region"), "theirs"), repr(status))
    removed = sm.remove_regions_from_replication(SecretId="story/replicated", RemoveReplicaRegions=["eu-west-1"])
    check("remove_regions_from_replication", [r["Region"] for r in removed["ReplicationStatus"]] == ["us-west-2"],
          repr(removed))
    stopped = west.stop_replication_to_replica(SecretId="story/replicated")
    check("stop_replication_to_replica answers the replica's ARN", stopped["ARN"] == replica["ARN"], repr(stopped))
    check("the promoted secret is standalone",
          "PrimaryRegion" not in west.describe_secret(SecretId="story/replicated")
          and "ReplicationStatus" not in sm.describe_secret(SecretId="story/replicated"))
    sm.delete_secret(SecretId="story/replicated", ForceDeleteWithoutRecovery=True)
    check("the primary without replicas can be deleted; the promoted secret stays",
          west.get_secret_value(SecretId="story/replicated")["SecretString"] == "second")


# A server on a database (tests/database/with_server.sh sets STORY_NO_REPLICATION) refuses
# replication with InvalidRequestException and creates nothing (docs/durability.md).
DATABASE_REFUSAL = ("Replication is not available on a secretstage-server that keeps its secrets in a "
                    "database (--database). Run the server without --database to replicate secrets.")
if os.environ.get("STORY_NO_REPLICATION"):
    expect_error("create_secret with AddReplicaRegions is refused on a database", "InvalidRequestException",
                 DATABASE_REFUSAL, sm.create_secret, Name="story/replicated", SecretString="first",
                 ClientRequestToken=V1, AddReplicaRegions=[{"Region": "us-west-2"}])
    expect_error("and created nothing", "ResourceNotFoundException",
                 "Secrets Manager can't find the specified secret.",
                 sm.describe_secret, SecretId="story/replicated")
else:
    replication_story()

finish("boto3_story")
