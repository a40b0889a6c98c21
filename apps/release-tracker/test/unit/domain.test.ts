import { describe, expect, it } from '@jest/globals';
import { toCsv } from '../../lib/domain/csv';
import { calculateProgress } from '../../lib/domain/progress';
import { arrangeCustomerSequence, templatePositionAt } from '../../lib/domain/sequence';
import { changedTemplateFields } from '../../lib/domain/template-sync';
import { canTransition, transitionProblem } from '../../lib/domain/transitions';
import { resolveVariables, unresolvedVariables } from '../../lib/domain/variables';

describe('progress', () => {
  it('counts done and skipped as finished', () => {
    expect(calculateProgress(['done', 'skipped', 'pending', 'reverted'])).toEqual({
      total: 4,
      done: 1,
      skipped: 1,
      pending: 1,
      reverted: 1,
      percentage: 50,
    });
  });

  it('is 0 % without steps instead of NaN', () => {
    expect(calculateProgress([]).percentage).toBe(0);
  });
});

describe('status transitions', () => {
  it('lets a pending step be done or skipped, and a done step only be reverted', () => {
    expect(canTransition('pending', 'done')).toBe(true);
    expect(canTransition('pending', 'skipped')).toBe(true);
    expect(canTransition('done', 'reverted')).toBe(true);
    expect(canTransition('done', 'skipped')).toBe(false);
    expect(transitionProblem('pending', 'reverted')).toMatch(/cannot become reverted/);
  });
});

describe('customer sequence', () => {
  const t = (id: number, templateId: number) => ({ id, templateId });
  const c = (id: number) => ({ id, templateId: null });

  it('follows the template order and keeps custom steps after the step they followed', () => {
    const current = [c(10), t(1, 101), c(11), t(2, 102), t(3, 103)];
    const arranged = arrangeCustomerSequence(current, [103, 101, 102]);
    expect(arranged.map((step) => step.id)).toEqual([10, 3, 1, 11, 2]);
  });

  it('places a new template step where the template order puts it', () => {
    const current = [t(1, 101), c(11), t(2, 102), t(9, 109)];
    expect(arrangeCustomerSequence(current, [101, 109, 102]).map((step) => step.id)).toEqual([1, 11, 9, 2]);
  });

  it('counts the template steps before a position', () => {
    expect(templatePositionAt([t(1, 101), c(11), t(2, 102)], 2)).toBe(1);
  });
});

describe('variables', () => {
  const values = { cluster: 'east', namespace: 'alpha', customer: 'Alpha', version: null };

  it('resolves known values and leaves missing ones as written', () => {
    expect(resolveVariables('helm -n {{namespace}} --ctx {{ cluster }} {{version}}', values)).toBe(
      'helm -n alpha --ctx east {{version}}',
    );
    expect(unresolvedVariables('{{version}} {{namespace}}', values)).toEqual(['version']);
  });
});

describe('csv', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', '=cmd()'],
          ['say "hi"', null],
        ],
      ),
    ).toBe('a,b\r\n"x,y",\'=cmd()\r\n"say ""hi""",\r\n');
  });
});

describe('template edits', () => {
  it('reports every copied field the edit changes, not only content', () => {
    const before = { name: 'a', type: 'bash' as const, content: 'x' };
    expect(changedTemplateFields(before, { name: 'b', type: 'sql', content: 'x' })).toEqual({
      name: 'b',
      type: 'sql',
    });
  });
});
