import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  AppError
} from "./chunk-V6YHCYFW.js";

// src/core/reader-role.ts
var READER_POLICY_NAME = "read-bootstrap-role";
function readerRoleSettings(settings) {
  const { reader_role_name: roleName, reader_trusted_role_arns: trusted, bootstrap_role_name } = settings.organization;
  if (roleName === void 0) return void 0;
  return { roleName, trustedRoleArns: sortedUnique(trusted ?? []), bootstrapRoleName: bootstrap_role_name };
}
function sortedUnique(items) {
  return [...new Set(items)].sort();
}
function readerTrustPolicy(trustedRoleArns) {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: sortedUnique(trustedRoleArns) }, Action: "sts:AssumeRole" }]
  };
}
function readerPermissions(roleName, bootstrapRoleName) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadTheBootstrapRole",
        Effect: "Allow",
        Action: ["iam:GetRole", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"],
        Resource: `arn:aws:iam::*:role/${bootstrapRoleName}`
      },
      {
        Sid: "ReadThisRole",
        Effect: "Allow",
        Action: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"],
        Resource: `arn:aws:iam::*:role/${roleName}`
      }
    ]
  };
}

// src/core/trust-policy.ts
function userArn(usersAccountId, userName) {
  return `arn:aws:iam::${usersAccountId}:user/${userName}`;
}
function bootstrapTrustPolicy(usersAccountId, userNames) {
  const names = [...new Set(userNames.map((name) => name.toLowerCase()))].sort();
  if (names.length === 0) {
    throw new AppError("no-bootstrap-users", "A bootstrap role must trust at least one user.", {
      fault: "user",
      hint: "List users under bootstrap.users, or set bootstrap.state: removed."
    });
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: names.map((name) => userArn(usersAccountId, name)) },
        Action: "sts:AssumeRole",
        Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } }
      }
    ]
  };
}
function asArray(value) {
  if (value === void 0) return [];
  return Array.isArray(value) ? value : [value];
}
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function requiresMfa(statement) {
  const condition = statement["Condition"];
  if (!isRecord(condition)) return false;
  const bool = condition["Bool"];
  if (!isRecord(bool)) return false;
  const value = bool["aws:MultiFactorAuthPresent"];
  return value === "true" || value === true;
}
function summarizeTrustPolicy(usersAccountId, document) {
  const trusted = /* @__PURE__ */ new Set();
  let allRequireMfa = true;
  let allows = 0;
  const userPrefix = `arn:aws:iam::${usersAccountId}:user/`;
  for (const statement of asArray(document["Statement"])) {
    if (!isRecord(statement) || statement["Effect"] !== "Allow") continue;
    allows += 1;
    if (!requiresMfa(statement)) allRequireMfa = false;
    const principal = statement["Principal"];
    const principals = principal === "*" ? ["*"] : isRecord(principal) ? asArray(principal["AWS"]) : [];
    for (const entry of principals) {
      if (typeof entry !== "string") continue;
      trusted.add(entry.startsWith(userPrefix) ? entry.slice(userPrefix.length).split("/").pop() ?? entry : entry);
    }
  }
  return { trusted: [...trusted].sort(), requiresMfa: allows > 0 && allRequireMfa };
}

export {
  READER_POLICY_NAME,
  readerRoleSettings,
  readerTrustPolicy,
  readerPermissions,
  userArn,
  bootstrapTrustPolicy,
  summarizeTrustPolicy
};
