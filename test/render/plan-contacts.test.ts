/** Alternate contacts in the text, Markdown and JSON plans. */
import { describe, expect, it } from 'vitest';
import type { AccountFile, DesiredState } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { renderPlanJson } from '../../src/render/plan-json.ts';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import { aDesiredState, anAccount, anAppliedLiveState, aUser, someSettings } from '../support/builders.ts';

const SECURITY = { name: 'Cyber security team', title: 'Security operations', email: 'cyber@example.gov.uk', phone: '+44 20 7946 0000' };

function desiredWith(contacts: NonNullable<AccountFile['contacts']>): DesiredState {
  const settings = someSettings();
  return aDesiredState({ settings, users: [aUser('ada@example.gov.uk')], accounts: [anAccount('svc', { contacts }, settings)] });
}

describe('alternate contacts in the rendered plan', () => {
  const plan = computePlan(desiredWith({ security: { ...SECURITY, phone: '020 7946 0002' } }), anAppliedLiveState(desiredWith({ security: SECURITY })));

  it('text: the summary and one line per changed field', () => {
    const text = renderPlanText(plan, { color: false });
    expect(text).toContain('~ change the security contact of svc');
    expect(text).toMatch(/phone: \+44 20 7946 0000 → 020 7946 0002/);
  });

  it('Markdown: the same, escaped', () => {
    const markdown = renderPlanMarkdown(plan);
    expect(markdown).toMatch(/change the security contact of svc .*: phone: \\?\+44 20 7946 0000 → 020 7946 0002/);
  });

  it('JSON: the change with its before and after', () => {
    const json = JSON.parse(renderPlanJson(plan)) as { changes: { change: { kind: string; before: unknown; after: unknown }; impact: string }[] };
    expect(json.changes).toEqual([
      expect.objectContaining({ impact: 'routine', change: expect.objectContaining({ kind: 'put-account-facet', before: SECURITY, after: { ...SECURITY, phone: '020 7946 0002' } }) }),
    ]);
  });
});
