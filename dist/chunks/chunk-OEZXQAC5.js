import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);

// src/steps/secrets.ts
import { closeSync, openSync, readSync, realpathSync } from "node:fs";
import path from "node:path";
var CREDENTIAL_VARIABLES = [
  "GOOGLE_APPLICATION_CREDENTIALS",
  "GOOGLE_GHA_CREDS_PATH",
  "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE"
];
function secretRules(allowSecretFiles, env = process.env) {
  return { credentials: credentialFiles(env), allowed: allowedFiles(allowSecretFiles) };
}
var AUTH_STEP_FILE = /^gha-creds-[^/]*\.json$/;
function credentialFiles(env = process.env) {
  const files = /* @__PURE__ */ new Map();
  for (const name of CREDENTIAL_VARIABLES) {
    const value = env[name];
    const file2 = value ? realOrResolved(value) : void 0;
    if (file2 && !files.has(file2)) files.set(file2, name);
  }
  return files;
}
function realOrResolved(file2) {
  try {
    return realpathSync(file2);
  } catch {
    return path.resolve(file2);
  }
}
function credentialReason(name, source, files) {
  const base = path.basename(source);
  const candidate = [...files.keys()].some((file2) => path.basename(file2) === base);
  const variable = candidate ? files.get(realOrResolved(source)) : void 0;
  if (variable) return `credentials file named by ${variable}, never shipped`;
  if (AUTH_STEP_FILE.test(path.posix.basename(name))) {
    return "credentials file written by an auth step (gha-creds-*.json), never shipped";
  }
  return void 0;
}
var SCAN_MAX_BYTES = 1024 * 1024;
var PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
var SERVICE_ACCOUNT_KEY = /"private_key"\s*:\s*"-----BEGIN/;
function privateKeyIn(bytes) {
  if (bytes.indexOf("PRIVATE KEY") === -1) return void 0;
  const text = bytes.toString("latin1");
  if (SERVICE_ACCOUNT_KEY.test(text)) return "a service-account key (private_key)";
  const pem = PEM_PRIVATE_KEY.exec(text);
  return pem ? `a private key: ${pem[0]}` : void 0;
}
function allowedFiles(files) {
  return new Set(files.map(realOrResolved));
}
function findPrivateKeys(files, allowed) {
  const found = [];
  const buffer = Buffer.allocUnsafe(SCAN_MAX_BYTES);
  for (const file2 of files) {
    if (file2.size > SCAN_MAX_BYTES) continue;
    const what = privateKeyIn(readStart(file2.source, buffer));
    if (what && !allowed.has(realOrResolved(file2.source))) found.push(`${file2.name} (${what})`);
  }
  return found;
}
function readStart(file2, buffer) {
  let fd;
  try {
    fd = openSync(file2, "r");
  } catch {
    return Buffer.alloc(0);
  }
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}
function privateKeyError(where, found) {
  return new Error(
    `${where} holds private keys, which would leave the runner: ${found.join(", ")}. Move them out of the project, or exclude them (.gitignore for code.zip, .dockerignore for the image); a file that must ship on purpose can be named in allow-secret-files.`
  );
}

// src/steps/code/entries.ts
import { lstatSync, realpathSync as realpathSync2, statSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import path2 from "node:path";
async function realProjectDir(root) {
  let stats;
  try {
    stats = await stat(root);
  } catch (error) {
    throw new Error(
      `The project directory ${root} does not exist or cannot be read (${errorCode(error)}): check the working-directory input and that the repository is checked out.`
    );
  }
  if (!stats.isDirectory()) {
    throw new Error(`The project directory ${root} is not a directory: check working-directory.`);
  }
  return realpath(root);
}
function inspect(root, rootReal, name) {
  const diskPath = path2.join(root, ...name.split("/"));
  let stats;
  try {
    stats = lstatSync(diskPath);
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return { kind: "gone" };
    throw fileError(name, error);
  }
  if (stats.isFile()) return file(name, diskPath, stats);
  if (stats.isSymbolicLink()) return followLink(rootReal, name, diskPath);
  if (stats.isDirectory()) {
    return { kind: "gone" };
  }
  return { kind: "skip", reason: "not a regular file (socket, device or fifo)" };
}
function followLink(rootReal, name, diskPath) {
  let target;
  try {
    target = realpathSync2(diskPath);
  } catch {
    return { kind: "skip", reason: "broken symlink" };
  }
  const relative = path2.relative(rootReal, target);
  if (relative === ".." || relative.startsWith(`..${path2.sep}`) || path2.isAbsolute(relative)) {
    return { kind: "skip", reason: `symlink to ${target}, outside the project directory` };
  }
  let stats;
  try {
    stats = statSync(target);
  } catch (error) {
    throw fileError(name, error);
  }
  if (stats.isDirectory()) return { kind: "skip", reason: "symlink to a directory" };
  if (!stats.isFile()) return { kind: "skip", reason: "symlink to something not a regular file" };
  return file(name, target, stats);
}
function file(name, source, stats) {
  return {
    kind: "file",
    entry: {
      name,
      source,
      size: stats.size,
      executable: (stats.mode & 73) !== 0,
      identity: identityOf(stats)
    }
  };
}
async function identity(file2) {
  try {
    return identityOf(await stat(file2));
  } catch {
    return void 0;
  }
}
function identityOf(stats) {
  return `${stats.dev}:${stats.ino}`;
}
function fileError(name, error) {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ENOENT") {
    return new Error(
      `${name} vanished while the code snapshot was being written: something is changing the working tree during the run. Let earlier steps finish before this one, then retry.`
    );
  }
  if (/unexpected number of bytes/.test(message)) {
    return new Error(
      `${name} changed size while the code snapshot was being written: something is writing to the working tree during the run. Let earlier steps finish before this one, then retry.`
    );
  }
  if (code === "EACCES" || code === "EPERM") {
    return new Error(`${name} cannot be read (${code}): fix its permissions or .gitignore it.`);
  }
  return new Error(`Could not add ${name} to the code snapshot: ${message}`);
}
function errorCode(error) {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = error.code;
    return typeof code === "string" ? code : void 0;
  }
  return void 0;
}

export {
  secretRules,
  credentialReason,
  findPrivateKeys,
  privateKeyError,
  realProjectDir,
  inspect,
  identity,
  fileError
};
