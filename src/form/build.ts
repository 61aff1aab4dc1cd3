/**
 * `npm run form`: builds the request form, a static site, into build/form/ (git-ignored) from
 * schema/*.json and settings.yaml. The GitHub Pages workflow publishes that folder.
 *
 *   npm run form -- [--out <dir>] [--repo OWNER/NAME] [--branch main] [--server https://github.com]
 *
 * The repository defaults to GITHUB_REPOSITORY (set in Actions), else the `origin` remote.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build as bundle } from 'esbuild';
import { fsSource } from '../config/fs-source.ts';
import { loadDesiredState } from '../config/load.ts';
import { schemas } from '../config/schemas.ts';
import { hasErrors } from '../core/problems.ts';
import { renderProblemsText } from '../render/problems.ts';
import type { SchemaNode } from './fields.ts';
import { escapeHtml, fieldsHtml, layout, PAGE_FILES, type PageConfig } from './html.ts';
import { buildPages, type PageSpec } from './pages.ts';
import { buildFile, type Repository } from './request.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
/** govuk-frontend's dist/govuk folder: its compiled CSS. */
const GOVUK = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk');

export interface FormBuildOptions {
  /** The repository root holding settings.yaml and schema/. */
  root: string;
  out: string;
  repository: Repository;
  /** The day the repository's files are checked on (YYYY-MM-DD): expiry rules depend on it. */
  today: string;
}

/** The file as a person would start it, for readers without JavaScript. */
function exampleFile(page: PageSpec): string {
  const answers: Record<string, string> = {};
  for (const field of page.fields) {
    if (!field.required && field.group?.required !== true) continue;
    if (field.control === 'date') continue;
    answers[field.name] = field.options?.[0] ?? (field.control === 'email' ? 'name@example.gov.uk' : `<${field.label.toLowerCase()}>`);
  }
  return buildFile(page.kind, page.fields, answers, page.fixed).text;
}

/**
 * "Someone else" reveals the requester's email. The script shows and hides it itself: GOV.UK's
 * conditional reveal sets aria-expanded on the radio, which axe reports as not allowed there.
 */
function whoForHtml(): string {
  return `<div class="govuk-form-group" data-field="who-for">
<fieldset class="govuk-fieldset">
<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Who needs access?</legend>
<p id="who-for-error" class="govuk-error-message" hidden><span class="govuk-visually-hidden">Error:</span> <span class="app-error-text"></span></p>
<div class="govuk-radios" data-module="govuk-radios">
<div class="govuk-radios__item"><input class="govuk-radios__input" id="who-for" name="who-for" type="radio" value="me"><label class="govuk-label govuk-radios__label" for="who-for">Me</label></div>
<div class="govuk-radios__item"><input class="govuk-radios__input" id="who-for-2" name="who-for" type="radio" value="someone-else"><label class="govuk-label govuk-radios__label" for="who-for-2">Someone else</label></div>
<div class="govuk-radios__conditional" id="conditional-who-for-2">
<p class="govuk-body">Answer the questions below about them, and give your own email address here.</p>
<div id="requested-by-slot"></div>
</div>
</div>
</fieldset>
</div>`;
}

function confirmationsHtml(page: PageSpec): string {
  return page.confirmations
    .map(
      (c) => `<div class="govuk-form-group" data-field="${c.name}">
<p id="${c.name}-error" class="govuk-error-message" hidden><span class="govuk-visually-hidden">Error:</span> <span class="app-error-text"></span></p>
<div class="govuk-checkboxes" data-module="govuk-checkboxes"><div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="${c.name}" name="${c.name}" type="checkbox" value="yes"><label class="govuk-label govuk-checkboxes__label" for="${c.name}">${escapeHtml(c.label)}</label></div></div>
</div>`,
    )
    .join('\n');
}

const RESULT_HEADINGS: Readonly<Record<PageSpec['action'], string>> = {
  'add-file': 'The file this request adds',
  'delete-file': 'The file this request deletes',
  'reset-password': 'The line this request adds',
  'join-role': 'The line this request adds',
};

/** Without JavaScript: what to do by hand on GitHub. */
function noScriptHtml(page: PageSpec, repository: Repository): string {
  const repo = `<a class="govuk-link" href="${escapeHtml(`${repository.server}/${repository.name}`)}">${escapeHtml(repository.name)}</a>`;
  switch (page.action) {
    case 'add-file':
      return `<p class="govuk-body">This page needs JavaScript to check your answers and make the file. Without it, add a file named <code>${page.kind === 'user' ? 'users/&lt;email address&gt;.yaml' : 'accounts/&lt;account name&gt;.yaml'}</code> to ${repo} on GitHub, starting like this:</p>
<pre class="app-file"><code>${escapeHtml(exampleFile(page))}</code></pre>`;
    case 'delete-file':
      return `<p class="govuk-body">This page needs JavaScript to check your answers and make the link. Without it, delete the file <code>users/&lt;email address&gt;.yaml</code> in ${repo} on GitHub.</p>`;
    case 'reset-password':
      return `<p class="govuk-body">This page needs JavaScript to check your answers and make the link. Without it, edit the file <code>users/&lt;email address&gt;.yaml</code> in ${repo} on GitHub, adding the line <code>password_reset: "YYYY-MM-DD"</code> with today’s date.</p>`;
    case 'join-role':
      return `<p class="govuk-body">This page needs JavaScript to check your answers and make the link. Without it, edit the account’s file <code>accounts/&lt;account name&gt;.yaml</code> in ${repo} on GitHub, adding the person’s email address to the <code>users</code> of the role.</p>`;
  }
}

function pageMain(page: PageSpec, repository: Repository): string {
  const requestedBy = page.fields.find((f) => f.name === 'requested_by');
  const fields = page.asksWhoFor ? page.fields.filter((f) => f.name !== 'requested_by') : page.fields;
  const noScript = noScriptHtml(page, repository);
  return `<div class="govuk-grid-row">
<div class="govuk-grid-column-two-thirds">
<div id="error-summary-slot"></div>
<h1 class="govuk-heading-l">${escapeHtml(page.title)}</h1>
${page.intro.map((p) => `<p class="govuk-body">${escapeHtml(p)}</p>`).join('\n')}
<noscript><div class="govuk-inset-text">${noScript}</div></noscript>
<form id="request-form" novalidate>
${page.asksWhoFor ? whoForHtml() : ''}
${fieldsHtml(fields)}
${page.asksWhoFor && requestedBy ? `<template id="requested-by-template">${fieldsHtml([requestedBy])}</template>` : ''}
${confirmationsHtml(page)}
<button type="submit" class="govuk-button app-needs-script" data-module="govuk-button">Check the answers</button>
</form>
<div id="result" class="app-result" hidden>
<h2 class="govuk-heading-m" id="result-heading">${RESULT_HEADINGS[page.action]}</h2>
<p class="govuk-body">File: <code id="result-path"></code></p>
<p class="govuk-body" id="result-where" hidden></p>
<pre class="app-file" id="result-file" tabindex="0" aria-labelledby="result-heading"><code></code></pre>
<div id="result-ready" hidden>
<p class="govuk-body">The answers are valid. The link opens GitHub with the change ready: commit it to a new branch and open the pull request (GitHub offers a fork if you cannot push to ${escapeHtml(repository.name)}).</p>
<a id="result-link" href="#" class="govuk-button govuk-button--start" role="button" draggable="false">Open the pull request on GitHub</a>
</div>
<p class="govuk-body" id="result-not-ready">Fix the problems above to get the link to GitHub.</p>
<h3 class="govuk-heading-s">What reviewers check</h3>
<ul class="govuk-list govuk-list--bullet">${page.reviewerChecks.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>
<h3 class="govuk-heading-s">Checked on the pull request</h3>
<p class="govuk-body">This page checks everything your answers alone can show. The check on the pull request also confirms that:</p>
<ul class="govuk-list govuk-list--bullet">${page.pullRequestChecks.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>
</div>
</div>
</div>`;
}

function indexMain(pages: readonly PageSpec[]): string {
  return `<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
<h1 class="govuk-heading-l">Request AWS access</h1>
<p class="govuk-body">Each request becomes a pull request on GitHub. Code owners review it; once it is merged, the change is made in AWS and the people concerned are emailed.</p>
<ul class="govuk-list">
${pages.map((p) => `<li><a class="govuk-link" href="${PAGE_FILES[p.id]}">${escapeHtml(p.title)}</a></li>`).join('\n')}
</ul>
</div></div>`;
}

/** Bundles browser.ts and everything it imports (the validator included) into one script. */
async function bundleScript(outFile: string): Promise<void> {
  await bundle({
    entryPoints: [join(ROOT, 'src', 'form', 'browser.ts')],
    outfile: outFile,
    bundle: true,
    // A classic script (an IIFE), not a module: browsers block module scripts on file:// pages.
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/**
 * govuk-frontend's compiled CSS as its settings would make it for a service that is not on GOV.UK:
 * GDS Transport is GOV.UK's typeface, for GOV.UK alone. With Sass one would set
 * `$govuk-font-family: arial, sans-serif` and `$govuk-include-default-font-face: false`; the package
 * ships its CSS compiled, so the same two changes are made to it here: the font stack loses GDS
 * Transport and its @font-face rules go. The remaining url()s point at /assets/, and the site may
 * live under a path (GitHub Pages: /<repo>/) or be opened from disk, so they become relative.
 */
export function cssWithoutGovukBrand(css: string): string {
  return css
    .replace(/@font-face\{font-family:"?GDS Transport"?;[^}]*\}/g, '')
    .replaceAll('font-family:GDS Transport,arial,sans-serif', 'font-family:arial,sans-serif')
    .replaceAll('url(/assets/', 'url(');
}

const FORM_CSS = `/* govuk-frontend sets display on error messages, which would override the hidden attribute. */
[hidden] { display: none !important; }
/* Without JavaScript there is nothing to check, and submitting would only reload the page. */
body:not(.js-enabled) .app-needs-script { display: none !important; }
.app-file { background: #f3f2f1; border-left: 5px solid #b1b4b6; padding: 15px; overflow-x: auto; font-size: 16px; line-height: 1.4; white-space: pre; color: #0b0c0c; }
.app-file:focus { outline: 3px solid #fd0; }
.app-fieldset { margin-bottom: 20px; }
.app-result { margin-top: 30px; }
`;

/** Builds the site; throws with the problems when settings.yaml or the schemas are not valid. */
export async function buildForm(options: FormBuildOptions): Promise<string[]> {
  const { desired, problems } = await loadDesiredState(fsSource(options.root), { today: options.today });
  const settingsProblems = problems.filter((p) => p.file === 'settings.yaml');
  if (desired === undefined && hasErrors(settingsProblems)) {
    throw new Error(`settings.yaml is not valid, so the form cannot be built:\n${renderProblemsText(settingsProblems, { color: false })}`);
  }
  if (desired === undefined) throw new Error('the repository\'s files are not valid (npm run validate); fix them before building the form');
  const settingsText = await readFile(join(options.root, 'settings.yaml'), 'utf8');
  const accounts = await Promise.all(
    (await readdir(join(options.root, 'accounts')).catch(() => [] as string[]))
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map(async (name) => ({ file: `accounts/${name}`, text: await readFile(join(options.root, 'accounts', name), 'utf8') })),
  );
  const pages = buildPages({ user: schemas.user as SchemaNode, account: schemas.account as SchemaNode }, desired.settings, { today: options.today, accounts });

  await rm(options.out, { recursive: true, force: true });
  const assets = join(options.out, 'assets');
  await mkdir(assets, { recursive: true });
  const css = cssWithoutGovukBrand(await readFile(join(GOVUK, 'govuk-frontend.min.css'), 'utf8'));
  if (css.includes('GDS Transport')) throw new Error('govuk-frontend\'s CSS names GDS Transport in a way the form does not know how to remove');
  await writeFile(join(assets, 'govuk-frontend.min.css'), css);
  await writeFile(join(assets, 'form.css'), FORM_CSS);
  await bundleScript(join(assets, 'form.js'));

  const chrome = { repository: options.repository, supportMailbox: desired.settings.email.support_mailbox };
  const written: string[] = [];
  const write = async (file: string, html: string): Promise<void> => {
    await writeFile(join(options.out, file), html);
    written.push(file);
  };
  await write('index.html', layout({ title: 'Request AWS access', ...chrome, pages, current: undefined, main: indexMain(pages) }));
  for (const page of pages) {
    const config: PageConfig = { page, settingsText, repository: options.repository };
    await write(PAGE_FILES[page.id], layout({ title: page.title, ...chrome, pages, current: page.id, main: pageMain(page, options.repository), config }));
  }
  // GitHub Pages runs Jekyll unless told not to; the site is plain files.
  await writeFile(join(options.out, '.nojekyll'), '');
  return written;
}

function repositoryFromGit(root: string): string | undefined {
  try {
    const url = execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /[/:]([^/:]+\/[^/]+?)(?:\.git)?$/.exec(url)?.[1];
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, repo: { type: 'string' }, branch: { type: 'string' }, server: { type: 'string' } },
    strict: true,
  });
  const root = process.cwd();
  const name = values.repo ?? process.env['GITHUB_REPOSITORY'] ?? repositoryFromGit(root);
  if (name === undefined || !/^[\w.-]+\/[\w.-]+$/.test(name)) {
    process.stderr.write('npm run form: which GitHub repository should the form open pull requests on? Pass --repo OWNER/NAME (or set GITHUB_REPOSITORY).\n');
    return 1;
  }
  const repository: Repository = {
    server: (values.server ?? process.env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, ''),
    name,
    branch: values.branch ?? 'main',
  };
  const out = resolve(root, values.out ?? join('build', 'form'));
  try {
    const files = await buildForm({ root, out, repository, today: new Date().toISOString().slice(0, 10) });
    process.stderr.write(`request form for ${repository.name} (${repository.branch}) written to ${out}: ${files.join(', ')}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`npm run form: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
