import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  READER_POLICY_NAME,
  readerPermissions,
  readerRoleSettings,
  readerTrustPolicy,
  userArn
} from "./chunk-RVHXHU5L.js";
import {
  DATA_DIRECTORIES,
  MAX_DATA_FILE_BYTES
} from "./chunk-JF4YEUYF.js";
import {
  ACCOUNT_NOTIFIED_TAG,
  CREDENTIALS_SENT_TAG,
  accountTags,
  credentialsToken,
  desiredGroupPolicies,
  desiredPasswordPolicy,
  userTags
} from "./chunk-6G5MSTI5.js";
import {
  START_OF_FILE,
  anError
} from "./chunk-YB3UBEN7.js";
import {
  AppError
} from "./chunk-V6YHCYFW.js";

// src/config/git-source.ts
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
var execFileAsync = promisify(execFile);
function gitSource(root, ref) {
  let tree;
  let blobs;
  const loadTree = () => tree ??= readTree(root, ref);
  const loadBlobs = () => blobs ??= loadTree().then(
    (entries) => readBlobs(
      root,
      [...entries].filter(([path, e]) => isDataPath(path) && !e.symlink && e.size <= MAX_DATA_FILE_BYTES).map(([, e]) => e.oid)
    )
  );
  return {
    description: `git ${ref}`,
    async listDataFiles() {
      const entries = await loadTree();
      return [...entries.keys()].filter(isDataPath).sort();
    },
    async read(path, maxBytes = MAX_DATA_FILE_BYTES) {
      const entry = (await loadTree()).get(path);
      if (entry === void 0 || entry.symlink) return void 0;
      if (entry.size <= maxBytes) {
        const cached = (await loadBlobs()).get(entry.oid);
        if (cached !== void 0) return cached;
      }
      return readBlobPrefix(root, entry.oid, maxBytes + 1);
    },
    async isSymbolicLink(path) {
      return (await loadTree()).get(path)?.symlink ?? false;
    }
  };
}
function isDataPath(path) {
  return path === "settings.yaml" || DATA_DIRECTORIES.some((dir) => path === dir || path.startsWith(`${dir}/`));
}
async function readTree(root, ref) {
  const commit = await resolveCommit(root, ref);
  const { stdout } = await git(root, ["ls-tree", "-r", "-z", "--long", commit], `could not list the files at ${ref}`);
  const entries = /* @__PURE__ */ new Map();
  for (const record of stdout.toString("utf8").split("\0")) {
    const match = /^(\d+) blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(record);
    if (match?.[2] === void 0 || match[3] === void 0 || match[4] === void 0) continue;
    entries.set(match[4], { oid: match[2], size: Number(match[3]), symlink: match[1] === "120000" });
  }
  return entries;
}
async function resolveCommit(root, ref) {
  const badRef = (cause) => new AppError("bad-git-ref", `"${ref}" is not a commit in the git repository at ${root}`, {
    fault: "user",
    hint: "pass a branch, tag or commit that exists locally (in CI, fetch it first, e.g. git fetch origin main)",
    cause
  });
  if (ref === "" || ref.startsWith("-") || /[\0\s]/.test(ref)) throw badRef();
  try {
    const { stdout } = await execFileAsync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      cwd: root,
      encoding: "utf8"
    });
    return stdout.trim();
  } catch (error) {
    throw badRef(error);
  }
}
async function readBlobs(root, oids) {
  const blobs = /* @__PURE__ */ new Map();
  if (oids.length === 0) return blobs;
  const out = await new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const chunks = [];
    const errors = [];
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.stderr.on("data", (chunk) => errors.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`git cat-file exited with ${code}: ${Buffer.concat(errors).toString("utf8")}`));
    });
    child.stdin.end(`${oids.join("\n")}
`);
  }).catch((error) => {
    throw new AppError("git-failed", "could not read files from git", { cause: error });
  });
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    if (eol < 0) break;
    const [oid, , size] = out.subarray(at, eol).toString("utf8").split(" ");
    const length = Number(size);
    if (oid === void 0 || !Number.isInteger(length)) break;
    blobs.set(oid, out.subarray(eol + 1, eol + 1 + length));
    at = eol + 1 + length + 1;
  }
  return blobs;
}
async function readBlobPrefix(root, oid, limit) {
  try {
    const { stdout } = await execFileAsync("git", ["cat-file", "blob", oid], { cwd: root, encoding: "buffer", maxBuffer: limit });
    return stdout;
  } catch (error) {
    const partial = error.stdout;
    if (error.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER" && Buffer.isBuffer(partial)) {
      return partial.subarray(0, limit);
    }
    throw new AppError("git-failed", `could not read object ${oid} from git`, { cause: error });
  }
}
async function git(root, args, what) {
  try {
    return await execFileAsync("git", args, { cwd: root, encoding: "buffer", maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    throw new AppError("git-failed", what, { cause: error });
  }
}

// src/core/base-ref.ts
function ouAncestors(path) {
  const parts = path.split("/").filter((part) => part !== "");
  return ["/", ...parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`)];
}
function accountAsApplied(account, ref, reader) {
  const data = account.data;
  const active = data.state === "active";
  const bootstrap = data.bootstrap;
  const users = bootstrap === void 0 || (bootstrap.state ?? "present") === "removed" ? [] : bootstrap.users;
  const live = {
    // A placeholder, not an account number: renderers show only 12-digit ids.
    id: data.id ?? `(${account.name} at ${ref})`,
    name: account.name,
    email: account.rootEmail,
    // Closing an account suspends it (PENDING_CLOSURE, then SUSPENDED).
    status: active ? "ACTIVE" : "SUSPENDED",
    ouPath: data.organizational_unit,
    tags: { ...accountTags(account), [ACCOUNT_NOTIFIED_TAG]: "true" }
  };
  if (reader !== void 0) {
    live.reader = active ? {
      managed: true,
      trustPolicy: readerTrustPolicy(reader.trustedRoleArns),
      policies: { [READER_POLICY_NAME]: readerPermissions(reader.roleName, reader.bootstrapRoleName) },
      attachedPolicyArns: []
    } : "unknown";
  }
  if (!active) {
    live.bootstrap = "unknown";
  } else if (users.length > 0) {
    live.bootstrap = {
      managed: true,
      trustedUsers: [...new Set(users.map((u) => u.toLowerCase()))].sort(),
      requiresMfa: true,
      hasAdministratorAccess: true
    };
  }
  return live;
}
function liveStateFromDesired(desired, ref) {
  const settings = desired.settings;
  const group = settings.users_account.group;
  const users = [...desired.users.values()].map((user) => ({
    userName: user.userName,
    arn: userArn(settings.users_account.id, user.userName),
    tags: { ...userTags(user), [CREDENTIALS_SENT_TAG]: credentialsToken(user.data) },
    groups: [group],
    inlinePolicyNames: [],
    attachedPolicyArns: []
  }));
  const reader = readerRoleSettings(settings);
  const accounts = [...desired.accounts.values()].map((account) => accountAsApplied(account, ref, reader));
  const ouPaths = /* @__PURE__ */ new Set();
  for (const account of desired.accounts.values()) for (const path of ouAncestors(account.data.organizational_unit)) ouPaths.add(path);
  return {
    baseline: { kind: "git", ref },
    usersAccount: {
      users,
      passwordPolicy: desiredPasswordPolicy(settings),
      group: { name: group, policies: desiredGroupPolicies(settings), attachedPolicyArns: [] }
    },
    organization: {
      accounts,
      ouPaths: [...ouPaths].sort(),
      creations: [],
      closedInLast30Days: 0,
      memberAccountCount: accounts.length
    }
  };
}
function accountsRemovedSinceBase(head, base) {
  const problems = [];
  const names = [...base.accounts.keys()].sort();
  for (const name of names) {
    if (head.accounts.has(name)) continue;
    const account = base.accounts.get(name);
    if (account === void 0) continue;
    problems.push(
      anError(
        "accountFilesAreNeverDeleted",
        account.source.file,
        START_OF_FILE,
        `${account.source.file} was deleted. Accounts are never removed by deleting their file: restore the file and set state: closed to close the account.`
      )
    );
  }
  return problems;
}

export {
  gitSource,
  liveStateFromDesired,
  accountsRemovedSinceBase
};
