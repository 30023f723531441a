import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayWidth, tabwrite } from './tabwriter';

describe('tabwriter (docker: minwidth 10, padding 3)', () => {
  it('aligns a ps-like table and leaves the last cell unpadded', () => {
    const text = 'CONTAINER ID\tIMAGE\tSTATUS\tNAMES\n4f2a1c3b9d8e\tbusybox\tUp 3 seconds\tweb\n' +
      'a1\tdocker.io/library/nginx:latest\tExited (0) 2 minutes ago\tx\n';
    assert.equal(tabwrite(text), [
      'CONTAINER ID   IMAGE                            STATUS                     NAMES',
      '4f2a1c3b9d8e   busybox                          Up 3 seconds               web',
      'a1             docker.io/library/nginx:latest   Exited (0) 2 minutes ago   x',
      '',
    ].join('\n'));
  });
  it('pads short columns to the minimum width of 10', () => {
    assert.equal(tabwrite('A\tB\nccc\td\n'), 'A         B\nccc       d\n');
  });
  it('pads an empty trailing cell that is tab-terminated', () => {
    assert.equal(tabwrite('NAME\tERROR\t\ndefault\t\t\n'), 'NAME      ERROR     \ndefault             \n');
  });
  it('ends a column block at a line without that cell', () => {
    // Go's doc example: b and c are distinct columns because "a\t" breaks the b column.
    assert.equal(tabwrite('aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n', { minWidth: 0, padding: 1 }),
      'aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n');
  });
  it('counts wide characters as two columns', () => {
    assert.equal(displayWidth('日本'), 4);
    assert.equal(tabwrite('日本\tx\nab\ty\n'), '日本      x\nab        y\n');
  });
});
