/**
 * The JSON files the GitHub commands read: the plan (`plan --format json`) and the apply report
 * (`apply --report-json`). Read by shape, keeping only the fields the GitHub renderers show: each
 * change's one-line `summary` (which the planner guarantees never holds a secret), its impact and
 * status, and an error's code. Error messages are deliberately dropped (see renderApplyReport).
 */
import { AppError } from '../core/errors.ts';
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
}

function invalid(file: string, what: string): AppError {
  return new AppError('invalid-input-file', `${file}: ${what}`, {
    fault: 'user',
    hint: 'Pass the file the plan or apply command wrote (plan --format json, apply --report-json).',
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  return { results };
}
