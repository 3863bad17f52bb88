import { lineDiff } from '../src/testing';

describe('the golden-file diff', () => {
  it('shows a reordering (the same lines in another order), where it happened', () => {
    const lines = lineDiff('a 1\nb 2\nc 3\nd 4', 'a 1\nc 3\nb 2\nd 4').split('\n');
    // One of the two swapped lines moved: removed where it was, added where it is now.
    const moved = lines.filter((l) => l.startsWith('+ ')).map((l) => l.slice(2));
    expect(moved).toHaveLength(1);
    expect(lines).toContain(`- ${moved[0]}`);
    expect(lines[0]).toMatch(/^@@ line [23]$/);
  });

  it('shows changed, removed and added lines in order, nothing for equal text', () => {
    expect(lineDiff('x\ny\nz', 'x\ny\nz')).toBe('');
    expect(lineDiff('x\ny\nz', 'x\nY\nz\nw').split('\n')).toEqual([
      '@@ line 2',
      '+ Y',
      '- y',
      '@@ line 4',
      '+ w',
    ]);
  });
});
