import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/core/problems.ts
var START_OF_FILE = { line: 1, col: 1 };
function anError(rule, file, at, message) {
  return { severity: "error", rule, file, line: at.line, col: at.col, message };
}
function aWarning(rule, file, at, message) {
  return { severity: "warning", rule, file, line: at.line, col: at.col, message };
}
function hasErrors(problems) {
  return problems.some((p) => p.severity === "error");
}
function countProblems(problems) {
  const errors = problems.filter((p) => p.severity === "error").length;
  return { errors, warnings: problems.length - errors, files: new Set(problems.map((p) => p.file)).size };
}
function compareProblems(a, b) {
  return compareStrings(a.file, b.file) || a.line - b.line || a.col - b.col || (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) || compareStrings(a.rule, b.rule) || compareStrings(a.message, b.message);
}
function sortProblems(problems) {
  return [...problems].sort(compareProblems);
}
function compareStrings(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// src/render/color.ts
function style(open, close) {
  return (text) => `\x1B[${open}m${text}\x1B[${close}m`;
}
var plain = (text) => text;
var COLORED = {
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  cyan: style(36, 39),
  bold: style(1, 22),
  dim: style(2, 22)
};
var PLAIN = { red: plain, green: plain, yellow: plain, cyan: plain, bold: plain, dim: plain };
function createPalette(enabled) {
  return enabled ? COLORED : PLAIN;
}
function isColorWanted(stream, env) {
  if (env["NO_COLOR"]) return false;
  const force = env["FORCE_COLOR"];
  if (force !== void 0 && force !== "" && force !== "0") return true;
  return stream.isTTY === true;
}

// src/render/problems.ts
var PROBLEM_FORMATS = ["text", "github", "json"];
function renderProblemsText(problems, options = {}) {
  const palette = createPalette(options.color ?? false);
  return sortProblems(problems).map((p) => {
    const severity = p.severity === "error" ? palette.red(p.severity) : palette.yellow(p.severity);
    return `${p.file}:${p.line}:${p.col}  ${severity}  ${oneLine(p.message)}  ${palette.dim(`[${p.rule}]`)}
`;
  }).join("");
}
function renderProblemsGithub(problems) {
  return sortProblems(problems).map((p) => {
    const properties = [
      `file=${escapeProperty(p.file)}`,
      `line=${p.line}`,
      `col=${p.col}`,
      `title=${escapeProperty(p.rule)}`
    ].join(",");
    return `::${p.severity} ${properties}::${escapeData(p.message)}
`;
  }).join("");
}
function renderProblemsJson(problems) {
  const sorted = sortProblems(problems).map(({ severity, rule, file, line, col, message }) => ({ severity, rule, file, line, col, message }));
  return `${JSON.stringify({ version: 1, valid: countProblems(problems).errors === 0, problems: sorted }, null, 2)}
`;
}
function renderProblems(problems, format, options = {}) {
  switch (format) {
    case "text":
      return renderProblemsText(problems, options);
    case "github":
      return renderProblemsGithub(problems);
    case "json":
      return renderProblemsJson(problems);
    default: {
      const unknown = format;
      throw new Error(`unknown format ${String(unknown)}`);
    }
  }
}
function renderValidationSummary(problems, counts) {
  const { errors, warnings, files } = countProblems(problems);
  const warningText = `${warnings} warning${warnings === 1 ? "" : "s"}`;
  if (errors === 0) {
    const what = counts === void 0 ? "valid" : `${plural(counts.users, "user")}, ${plural(counts.accounts, "account")}: valid`;
    return warnings === 0 ? what : `${what}, ${warningText}`;
  }
  return `${plural(errors, "error")}${warnings === 0 ? "" : `, ${warningText}`} in ${plural(files, "file")}`;
}
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
function oneLine(text) {
  return text.replace(/\r?\n/g, " ");
}
function escapeData(text) {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(text) {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export {
  START_OF_FILE,
  anError,
  aWarning,
  hasErrors,
  sortProblems,
  createPalette,
  isColorWanted,
  PROBLEM_FORMATS,
  renderProblemsText,
  renderProblems,
  renderValidationSummary,
  escapeData,
  escapeProperty
};
