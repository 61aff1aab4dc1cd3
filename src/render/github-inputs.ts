/**
 * The JSON files the GitHub commands read: the plan (`plan --format json`), the apply report
 * (`apply --report-json`) and the access review (`report --format json`). Read by shape, keeping
 * only the fields the GitHub renderers show: each change's one-line `summary` (which the planner
 * guarantees never holds a secret), its impact and status, and an error's code; each finding
 * whole, every field checked. Error messages are deliberately dropped (see renderApplyReport).
 */
import { DEFAULT_REVIEW_THRESHOLDS, FINDING_KINDS, FINDING_SEVERITY, type AccessReview, type Finding, type FindingKind, type FindingSubject } from '../core/access-review.ts';
import { parseApprovalRecord, type ApprovalRecord } from '../core/approval.ts';
import { AppError } from '../core/errors.ts';
import type { Baseline } from '../core/model.ts';
import { isRecord } from '../core/plan-helpers.ts';
import type { Impact } from '../core/changes.ts';
import { IMPACT_ORDER } from '../core/changes.ts';

export interface PlanView {
  changes: readonly { impact: Impact; summary: string }[];
  unmanagedUsers: readonly string[];
  notes: readonly string[];
  /** What the plan was compared against, in words (e.g. `AWS (users 1234…, management 5678…)`). */
  baseline: string | undefined;
  /** Users whose `expires` falls within 30 days (the plan's `expiring`), soonest first. */
  expiring: readonly ExpiringView[];
}

export interface ExpiringView {
  userName: string;
  expires: string;
  days: number;
  requestedBy: string;
}

export type ResultStatus = 'done' | 'failed' | 'skipped';

export interface ApplyReportView {
  results: readonly { summary: string; status: ResultStatus; errorCode: string | undefined; warningCount: number }[];
  /** The approval record apply was given (apply --approval), checked field by field. */
  approval?: ApprovalRecord;
}

function invalid(file: string, what: string): AppError {
  return new AppError('invalid-input-file', `${file}: ${what}`, {
    fault: 'user',
    hint: 'Pass the file the command wrote (plan --format json, apply --report-json, report --format json).',
  });
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid-input-file', `${file}: not JSON (${(error as Error).message})`, {
      fault: 'user',
      cause: error,
    });
  }
}

function stringList(value: unknown, file: string, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalid(file, `"${field}" must be a list of strings`);
  }
  return value;
}

function isImpact(value: unknown): value is Impact {
  return typeof value === 'string' && (IMPACT_ORDER as readonly string[]).includes(value);
}

export function parsePlanJson(text: string, file: string): PlanView {
  const data = parseJson(text, file);
  if (!isRecord(data) || data['version'] !== 1 || !Array.isArray(data['changes'])) {
    throw invalid(file, 'not a version 1 plan (expected { version: 1, changes: [...] })');
  }
  const changes = data['changes'].map((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry['summary'] !== 'string' || !isImpact(entry['impact'])) {
      throw invalid(file, `changes[${index}] needs a summary and an impact`);
    }
    return { impact: entry['impact'], summary: entry['summary'] };
  });
  return {
    changes,
    unmanagedUsers: stringList(data['unmanagedUsers'], file, 'unmanagedUsers'),
    notes: stringList(data['notes'], file, 'notes'),
    baseline: describeBaseline(data['baseline']),
    expiring: expiringList(data['expiring'], file),
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function expiringList(value: unknown, file: string): ExpiringView[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(file, '"expiring" must be a list');
  return value.map((entry: unknown, index) => {
    if (
      !isRecord(entry) ||
      typeof entry['userName'] !== 'string' ||
      typeof entry['expires'] !== 'string' ||
      !DATE.test(entry['expires']) ||
      typeof entry['days'] !== 'number' ||
      typeof entry['requestedBy'] !== 'string'
    ) {
      throw invalid(file, `expiring[${index}] needs a userName, an expires date, days and requestedBy`);
    }
    return { userName: entry['userName'], expires: entry['expires'], days: entry['days'], requestedBy: entry['requestedBy'] };
  });
}

const as = (arn: unknown): string => (typeof arn === 'string' ? ` as ${arn}` : '');

function describeBaseline(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  switch (value['kind']) {
    case 'aws':
      return `AWS (users account ${String(value['usersAccountId'])}${as(value['usersPrincipalArn'])}, management account ${String(value['managementAccountId'])}${as(value['managementPrincipalArn'])})`;
    case 'git':
      return `git ${String(value['ref'])}`;
    case 'sandbox':
      return 'the local sandbox';
    default:
      return undefined;
  }
}

const STATUSES: readonly ResultStatus[] = ['done', 'failed', 'skipped'];

/** Error codes are shown; anything that does not look like one is replaced (they are free text in the file). */
const ERROR_CODE = /^[A-Za-z][\w.:-]{0,63}$/;

export function parseApplyReport(text: string, file: string): ApplyReportView {
  const data = parseJson(text, file);
  if (!isRecord(data) || data['version'] !== 1 || !Array.isArray(data['results'])) {
    throw invalid(file, 'not a version 1 apply report (expected { version: 1, results: [...] })');
  }
  const results = data['results'].map((entry: unknown, index) => {
    const status = isRecord(entry) ? entry['status'] : undefined;
    if (!isRecord(entry) || typeof entry['summary'] !== 'string' || !STATUSES.includes(status as ResultStatus)) {
      throw invalid(file, `results[${index}] needs a summary and a status (done, failed or skipped)`);
    }
    const error = entry['error'];
    const rawCode = isRecord(error) ? error['code'] : undefined;
    const errorCode =
      typeof rawCode === 'string' ? (ERROR_CODE.test(rawCode) ? rawCode : 'error') : isRecord(error) ? 'error' : undefined;
    // Warnings are free text: only how many there are is shown.
    const warningCount = Array.isArray(entry['warnings']) ? entry['warnings'].length : 0;
    return { summary: entry['summary'], status: status as ResultStatus, errorCode, warningCount };
  });
  if (data['approval'] === undefined) return { results };
  return { results, approval: parseApprovalRecord(JSON.stringify(data['approval']), `${file} (approval)`) };
}

const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function reviewBaseline(value: unknown, file: string): Baseline {
  const text = (record: Record<string, unknown>, key: string): string => {
    const field = record[key];
    if (typeof field !== 'string') throw invalid(file, `baseline.${key} must be a string`);
    return field;
  };
  if (!isRecord(value)) throw invalid(file, 'baseline must be an object');
  switch (value['kind']) {
    case 'sandbox':
      return { kind: 'sandbox', path: text(value, 'path') };
    case 'git':
      return { kind: 'git', ref: text(value, 'ref') };
    case 'aws': {
      const principal = (key: string) => (value[key] === undefined ? {} : { [key]: text(value, key) });
      return { kind: 'aws', usersAccountId: text(value, 'usersAccountId'), managementAccountId: text(value, 'managementAccountId'), ...principal('usersPrincipalArn'), ...principal('managementPrincipalArn') };
    }
    default:
      throw invalid(file, 'baseline.kind must be sandbox, aws or git');
  }
}

function reviewSubject(value: unknown, where: string, file: string): FindingSubject {
  if (isRecord(value) && value['type'] === 'user' && typeof value['userName'] === 'string' && USER_NAME.test(value['userName'])) {
    return { type: 'user', userName: value['userName'] };
  }
  if (
    isRecord(value) &&
    value['type'] === 'role' &&
    typeof value['roleName'] === 'string' &&
    ROLE_NAME.test(value['roleName']) &&
    typeof value['accountName'] === 'string' &&
    typeof value['accountId'] === 'string' &&
    /^\d{12}$/.test(value['accountId'])
  ) {
    return { type: 'role', roleName: value['roleName'], accountName: value['accountName'], accountId: value['accountId'] };
  }
  throw invalid(file, `${where}.subject must be a user (userName) or a role (roleName, accountName, accountId)`);
}

function wholeNumber(record: Record<string, unknown>, key: string, where: string, file: string): number {
  const value = record[key];
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw invalid(file, `${where}.${key} must be a whole number`);
  return value as number;
}

/**
 * The access review `report --format json` wrote, read back whole and checked field by field (it
 * is rendered into an issue): kinds and severities from the known lists, names of the IAM shape.
 */
export function parseReviewJson(text: string, file: string): AccessReview {
  const data = parseJson(text, file);
  if (!isRecord(data) || data['version'] !== 1 || !Array.isArray(data['findings'])) {
    throw invalid(file, 'not a version 1 access review (expected { version: 1, findings: [...] }, from report --format json)');
  }
  const today = data['today'];
  if (typeof today !== 'string' || !DAY.test(today)) throw invalid(file, 'today must be a YYYY-MM-DD date');
  const thresholds = isRecord(data['thresholds']) ? data['thresholds'] : {};
  const checked = isRecord(data['checked']) ? data['checked'] : {};
  const findings = data['findings'].map((entry: unknown, index): Finding => {
    const where = `findings[${index}]`;
    if (!isRecord(entry)) throw invalid(file, `${where} must be an object`);
    const kind = entry['kind'];
    if (typeof kind !== 'string' || !(FINDING_KINDS as readonly string[]).includes(kind)) throw invalid(file, `${where}.kind is not a known kind`);
    const severity = FINDING_SEVERITY[kind as FindingKind];
    if (entry['severity'] !== severity) throw invalid(file, `${where}.severity must be ${severity} for ${kind}`);
    if (typeof entry['fact'] !== 'string' || typeof entry['action'] !== 'string') throw invalid(file, `${where} needs a fact and an action`);
    return { kind: kind as FindingKind, severity, subject: reviewSubject(entry['subject'], where, file), fact: entry['fact'], action: entry['action'] };
  });
  return {
    baseline: reviewBaseline(data['baseline'], file),
    today,
    thresholds: {
      graceDays: wholeNumber(thresholds, 'graceDays', 'thresholds', file),
      unusedDays: wholeNumber(thresholds, 'unusedDays', 'thresholds', file),
      accessKeyMaxAgeDays: wholeNumber(thresholds, 'accessKeyMaxAgeDays', 'thresholds', file),
      expiringWithinDays: wholeNumber(thresholds, 'expiringWithinDays', 'thresholds', file),
      bootstrapRoleMaxAgeDays: wholeNumber(thresholds, 'bootstrapRoleMaxAgeDays', 'thresholds', file),
      // Added after version 1 was first written: a review from before it has the default.
      recertifyAfterDays:
        thresholds['recertifyAfterDays'] === undefined ? DEFAULT_REVIEW_THRESHOLDS.recertifyAfterDays : wholeNumber(thresholds, 'recertifyAfterDays', 'thresholds', file),
    },
    findings,
    notes: stringList(data['notes'], file, 'notes'),
    checked: { users: wholeNumber(checked, 'users', 'checked', file), bootstrapRoles: wholeNumber(checked, 'bootstrapRoles', 'checked', file) },
  };
}
