/** The form's pure parts: questions from the schemas, the file from the answers, links to GitHub. */
import { describe, expect, it } from 'vitest';
import { parseSettings, validateRequestFile } from '../../src/config/request-file.ts';
import { schemas } from '../../src/config/schemas.ts';
import { fieldsOf, type SchemaNode } from '../../src/form/fields.ts';
import { buildPages } from '../../src/form/pages.ts';
import { buildFile, deleteFileUrl, editFileUrl, fieldOfProblem, newFileUrl } from '../../src/form/request.ts';
import { SETTINGS } from '../config/fixture-repo.ts';

const { settings } = parseSettings(SETTINGS);
const user = schemas.user as SchemaNode;
const account = schemas.account as SchemaNode;
const REPO = { server: 'https://github.com', name: 'example-org/aws-access', branch: 'main' };

describe('questions from the schemas', () => {
  it('asks every field of the schema, with a control that fits it', () => {
    // adopt (a boolean, for npm run import) is never asked: the form's pages leave it out.
    const fields = fieldsOf(user, { omit: ['adopt'] });
    expect(fields.map((f) => [f.name, f.control, f.required])).toEqual([
      ['email', 'email', true],
      ['name', 'text', true],
      ['team', 'text', true],
      ['requested_by', 'email', true],
      ['reason', 'textarea', false],
      ['expires', 'date', false],
      ['password_reset', 'date', false],
      ['github', 'text', false],
    ]);
    const nested = fieldsOf(account).filter((f) => f.group !== undefined).map((f) => `${f.group?.name}:${f.name}:${f.control}`);
    const contact = (kind: string): string[] =>
      ['name:text', 'title:text', 'email:email', 'phone:text'].map((field) => `contacts.${kind}:contacts.${kind}.${field}`);
    expect(nested).toEqual([
      'team:team.name:text',
      'team:team.email:email',
      'billing:billing.cost_centre:text',
      'billing:billing.business_unit:text',
      'bootstrap:bootstrap.state:radios',
      'bootstrap:bootstrap.users:list',
      ...contact('security'),
      ...contact('operations'),
      ...contact('billing'),
    ]);
  });

  it('a new field in a schema becomes a question with no change to the form', () => {
    const extended: SchemaNode = { ...user, properties: { ...user.properties, slack_handle: { type: 'string', description: 'Their Slack handle.' } } };
    const field = fieldsOf(extended).find((f) => f.name === 'slack_handle');
    expect(field).toMatchObject({ label: 'Slack handle', hint: 'Their Slack handle.', control: 'text', required: false });
  });

  it("offers the organisation's OUs from settings, and the account page never asks for id or state", () => {
    const withOus = parseSettings(SETTINGS.replace('  root_email_template:', '  organizational_units:\n    - /A\n    - /B\n  root_email_template:')).settings;
    const page = buildPages({ user, account }, withOus!.data).find((p) => p.id === 'account');
    expect(page?.fields.find((f) => f.name === 'organizational_unit')).toMatchObject({ control: 'radios', options: ['/A', '/B'] });
    expect(page?.fields.map((f) => f.name)).not.toEqual(expect.arrayContaining(['id']));
    expect(page?.fields.map((f) => f.name)).not.toContain('state');
    expect(page?.fixed).toEqual({ state: 'active' });
  });
});

describe('the file from the answers', () => {
  const fields = fieldsOf(user, { omit: ['password_reset'] });

  it('writes the schema line, the answers in the schema order, dates quoted, empty answers left out', () => {
    const built = buildFile('user', fields, {
      github: 'zoe',
      email: 'Zoe@example.gov.uk',
      name: 'Zoë',
      team: 'platform',
      requested_by: 'lead@example.gov.uk',
      reason: '',
      'expires-day': '1',
      'expires-month': '2',
      'expires-year': '2027',
    });
    expect(built.path).toBe('users/zoe@example.gov.uk.yaml');
    // Email addresses in lower case, as the file name and the IAM user name have them.
    expect(built.text).toBe(
      '# yaml-language-server: $schema=../schema/user.schema.json\nemail: zoe@example.gov.uk\nname: Zoë\nteam: platform\nrequested_by: lead@example.gov.uk\nexpires: "2027-02-01"\ngithub: zoe\n',
    );
    expect(built.errors).toEqual([]);
  });

  it('says what is wrong with a half-filled date, and puts each problem on its question', () => {
    const built = buildFile('user', fields, { email: 'zoe@example.gov.uk', name: 'Zoe', 'expires-day': '1' });
    expect(built.errors).toEqual([{ field: 'expires', message: 'Expires must include a month and year', boxes: ['month', 'year'] }]);
    const problems = validateRequestFile(settings!, built.path, built.text, '2026-06-01');
    expect(problems.map((p) => fieldOfProblem(p, built.text, fields)).sort()).toEqual(['requested_by', 'team']);
  });

  it('writes nothing for what is not answered: no empty object, and a file name that says what is missing', () => {
    const accountFields = fieldsOf(account, { omit: ['id', 'state', 'bootstrap.state'] });
    const built = buildFile('account', accountFields, {});
    expect(built.path).toBe('accounts/<account name>.yaml');
    expect(built.text).toBe('# yaml-language-server: $schema=../schema/account.schema.json\n');
    expect(buildFile('user', fields, { name: 'Zoe' }).path).toBe('users/<email address>.yaml');
  });

  it('puts a list item problem on the list, and a missing nested field on that field', () => {
    const accountFields = fieldsOf(account, { omit: ['id', 'state', 'bootstrap.state'] });
    const built = buildFile('account', accountFields, { name: 'svc', 'bootstrap.users': 'ann@example.gov.uk\nNOT AN EMAIL', 'team.name': 'Platform' }, { state: 'active' });
    const problems = validateRequestFile(settings!, built.path, built.text, '2026-06-01');
    const fieldsOfProblems = problems.map((p) => fieldOfProblem(p, built.text, accountFields));
    expect(fieldsOfProblems).toContain('bootstrap.users');
    expect(fieldsOfProblems).toContain('team.email');
    expect(fieldsOfProblems).toContain('billing.cost_centre');
  });

  it("writes the contacts asked for on the account page, and puts a contact's problem on its field", () => {
    const page = buildPages({ user, account }, settings!.data).find((p) => p.id === 'account');
    const fields = page?.fields ?? [];
    expect(fields.find((f) => f.name === 'contacts.security.email')).toMatchObject({ label: 'Email address', group: { label: 'Security contact (optional)', required: false } });
    const answers = {
      name: 'svc',
      description: 'A service.',
      organizational_unit: '/Workloads',
      'team.name': 'Platform',
      'team.email': 'platform@example.gov.uk',
      requested_by: 'ann@example.gov.uk',
      'billing.cost_centre': '1',
      'billing.business_unit': 'Test',
      'contacts.security.name': 'Cyber team',
      'contacts.security.title': 'Security operations',
      'contacts.security.email': 'cyber@example.gov.uk',
      'contacts.security.phone': 'ring us',
    };
    const built = buildFile('account', fields, answers, page?.fixed ?? {});
    expect(built.text).toContain('contacts:\n  security:\n    name: Cyber team\n');
    const problems = validateRequestFile(settings!, built.path, built.text, '2026-06-01');
    expect(problems.map((p) => fieldOfProblem(p, built.text, fields))).toEqual(['contacts.security.phone']);
  });
});

describe('links to GitHub, with no token', () => {
  it('new file with name and content filled in; delete and edit pages for the file', () => {
    const url = new URL(newFileUrl(REPO, 'users/a+b@example.gov.uk.yaml', 'email: a+b@example.gov.uk\n'));
    expect(url.pathname).toBe('/example-org/aws-access/new/main');
    expect(url.searchParams.get('filename')).toBe('users/a+b@example.gov.uk.yaml');
    expect(url.searchParams.get('value')).toBe('email: a+b@example.gov.uk\n');
    expect(deleteFileUrl(REPO, 'users/a+b@example.gov.uk.yaml')).toBe('https://github.com/example-org/aws-access/delete/main/users/a%2Bb%40example.gov.uk.yaml');
    expect(editFileUrl({ ...REPO, branch: 'release/x' }, 'users/a@example.gov.uk.yaml')).toBe('https://github.com/example-org/aws-access/edit/release/x/users/a%40example.gov.uk.yaml');
  });
});
