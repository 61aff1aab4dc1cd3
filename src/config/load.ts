/**
 * Loading the desired state: read every data file from a source, parse it strictly, check it
 * against its schema and the cross-file rules, and build the core's DesiredState. Bad input is
 * never thrown: it comes back as problems, and one broken file never hides problems in others.
 * Schema and rules report together: a file with schema errors still goes to the rules, with the
 * fields the schema accepted (see CheckedFile), so fixing one error does not reveal the next.
 */
import { AppError, isAppError } from '../core/errors.ts';
import type { DesiredAccount, DesiredState, DesiredUser } from '../core/model.ts';
import { anError, hasErrors, type Problem, sortProblems, START_OF_FILE } from '../core/problems.ts';
import type { AccountFile, SettingsFile, UserFile } from './schema-types.ts';
import { parseCodeowners, type Codeowners } from './codeowners.ts';
import { classifyDataPath, type DataFileKind, type FileSource, readCodeowners } from './file-source.ts';
import { type ParsedYaml, parseYamlFile } from './parse-yaml.ts';
import { type CheckedFile, crossFileRules, fileStartsWithSchemaComment, type LoadedFile, rootEmailOf, type RuleInput } from './rules.ts';
import { type SchemaKind, type SchemaTypes, validateAgainstSchema } from './schemas.ts';

export interface LoadOptions {
  /** Today, YYYY-MM-DD: expiry dates are compared with it. */
  today: string;
}

export interface LoadResult {
  /** Present only when there are no errors (warnings allowed). */
  desired?: DesiredState;
  /** Sorted by file, line and column. */
  problems: Problem[];
}

/** Problems that make a file unreadable as text: its first line cannot be checked either. */
const UNREADABLE = new Set(['fileIsNotEmpty', 'fileIsAtMost64KiB', 'fileIsText', 'fileIsUtf8']);

/**
 * Reads and validates every data file of a source. Throws only for I/O failures (an AppError),
 * never for what the files contain.
 */
export async function loadDesiredState(source: FileSource, options: LoadOptions): Promise<LoadResult> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.today)) {
    throw new AppError('bad-date', `today must be a YYYY-MM-DD date, not "${options.today}"`);
  }
  const listed = await source.listDataFiles();
  const problems: Problem[] = [];
  const files: string[] = [];
  for (const file of listed) {
    if (await source.isSymbolicLink(file)) {
      problems.push(
        anError(
          'dataFilesAreNotSymbolicLinks',
          file,
          START_OF_FILE,
          `${file} is a symbolic link; data files must be regular files (a link could point outside the repository), so replace it with the file itself`,
        ),
      );
    } else files.push(file);
  }

  if (!listed.includes('settings.yaml')) {
    problems.push(
      anError(
        'settingsFileExists',
        'settings.yaml',
        START_OF_FILE,
        `settings.yaml is missing from ${source.description}; the repository root needs it (organisation-wide settings, see schema/settings.schema.json)`,
      ),
    );
  }

  // What the rules check (every file that parsed as a mapping), and the files that match their schema.
  const checked: { settings?: CheckedFile<SettingsFile>; users: CheckedFile<UserFile>[]; accounts: CheckedFile<AccountFile>[] } = { users: [], accounts: [] };
  const valid: { settings?: SettingsFile; users: LoadedFile<UserFile>[]; accounts: LoadedFile<AccountFile>[] } = { users: [], accounts: [] };
  for (const file of files) {
    const kind = classifyDataPath(file);
    if (kind === undefined) continue; // reported by dataDirectoriesHoldOnlyYamlFiles
    const loaded = await loadFile(source, file, kind, problems);
    if (loaded === undefined) continue;
    if (loaded.kind === 'settings') {
      checked.settings = loaded.checked;
      if (loaded.valid !== undefined) valid.settings = loaded.valid.data;
    } else if (loaded.kind === 'user') {
      checked.users.push(loaded.checked);
      if (loaded.valid !== undefined) valid.users.push(loaded.valid);
    } else {
      checked.accounts.push(loaded.checked);
      if (loaded.valid !== undefined) valid.accounts.push(loaded.valid);
    }
  }

  const codeowners = await loadCodeowners(source);
  if (codeowners !== undefined) problems.push(...codeowners.problems);

  const input: RuleInput = { today: options.today, settings: checked.settings, users: checked.users, accounts: checked.accounts, files, codeowners };
  for (const rule of crossFileRules) problems.push(...rule(input));

  const sorted = sortProblems(problems);
  // No errors means every file parsed and matched its schema, so `valid` holds them all.
  if (hasErrors(sorted) || valid.settings === undefined) return { problems: sorted };
  return { desired: buildDesiredState(valid.settings, valid.users, valid.accounts), problems: sorted };
}

/** A file that parsed as a mapping: what the rules check, and the file itself when it matches its schema. */
type Loaded = { [K in SchemaKind]: { kind: K; checked: CheckedFile<SchemaTypes[K]>; valid?: LoadedFile<SchemaTypes[K]> } }[SchemaKind];

async function loadFile(source: FileSource, file: string, kind: DataFileKind, problems: Problem[]): Promise<Loaded | undefined> {
  let bytes;
  try {
    bytes = await source.read(file);
  } catch (error) {
    if (!isAppError(error) || error.code !== 'not-a-regular-file') throw error;
    problems.push(anError('fileIsReadable', file, START_OF_FILE, error.message));
    return undefined;
  }
  if (bytes === undefined) {
    // Listed but not readable as a file: it changed while being read, or it is not a regular file.
    problems.push(
      anError('fileIsReadable', file, START_OF_FILE, 'the file could not be read as a regular file (it is a directory or a device, or it changed while being read)'),
    );
    return undefined;
  }
  const parse = parseYamlFile(file, bytes);
  problems.push(...parse.problems);
  if (!parse.problems.some((p) => UNREADABLE.has(p.rule))) {
    problems.push(...fileStartsWithSchemaComment(file, kind, parse.parsed?.text ?? bytes.toString('utf8')));
  }
  if (parse.parsed === undefined) return undefined;
  const parsed = parse.parsed;
  switch (kind) {
    case 'settings': {
      const result = checkFile('settings', file, parsed, problems);
      return result && { kind, ...result };
    }
    case 'user': {
      const result = checkFile('user', file, parsed, problems);
      return result && { kind, ...result };
    }
    case 'account': {
      const result = checkFile('account', file, parsed, problems);
      return result && { kind, ...result };
    }
  }
}

function checkFile<K extends SchemaKind>(
  kind: K,
  file: string,
  parsed: ParsedYaml,
  problems: Problem[],
): { checked: CheckedFile<SchemaTypes[K]>; valid?: LoadedFile<SchemaTypes[K]> } | undefined {
  const { value, usable, problems: schemaProblems } = validateAgainstSchema(kind, parsed);
  problems.push(...schemaProblems);
  if (value !== undefined) {
    const valid = { file, data: value, parsed };
    return { checked: valid, valid };
  }
  return usable === undefined ? undefined : { checked: { file, parsed, data: usable.data, invalid: usable.invalid } };
}

async function loadCodeowners(source: FileSource): Promise<Codeowners | undefined> {
  const found = await readCodeowners(source);
  if (found === undefined) return undefined;
  return parseCodeowners(found.path, found.bytes.toString('utf8'));
}

function buildDesiredState(
  settings: SettingsFile,
  users: readonly LoadedFile<UserFile>[],
  accounts: readonly LoadedFile<AccountFile>[],
): DesiredState {
  const sourceOf = (loaded: LoadedFile<unknown>) => ({ file: loaded.file, ...loaded.parsed.start });
  const desiredUsers = new Map<string, DesiredUser>();
  for (const user of [...users].sort((a, b) => compare(a.data.email, b.data.email))) {
    const userName = user.data.email.toLowerCase();
    desiredUsers.set(userName, { userName, data: user.data, source: sourceOf(user) });
  }
  const desiredAccounts = new Map<string, DesiredAccount>();
  for (const account of [...accounts].sort((a, b) => compare(a.data.name, b.data.name))) {
    desiredAccounts.set(account.data.name, {
      name: account.data.name,
      data: account.data,
      rootEmail: rootEmailOf(account.data, settings),
      source: sourceOf(account),
    });
  }
  return { settings, users: desiredUsers, accounts: desiredAccounts };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
