import { expect, test } from 'vitest';
import { tabulate } from './tabwriter';

test('columns are the widest cell plus 3, at least 6; the last cell is not padded', () => {
  expect(
    tabulate([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['sb', '1/1', 'Running', '0', '41s'],
      ['httpd2-676b985746-2qvnb', '1/1', 'ContainerCreating', '0', '5s'],
    ]),
  ).toBe(
    'NAME                      READY   STATUS              RESTARTS   AGE\n' +
      'sb                        1/1     Running             0          41s\n' +
      'httpd2-676b985746-2qvnb   1/1     ContainerCreating   0          5s\n',
  );
});

test('short columns still take the minimum width of 6', () => {
  expect(
    tabulate([
      ['A', 'B'],
      ['x', 'y'],
    ]),
  ).toBe('A     B\nx     y\n');
});

test('an empty cell in the middle is padded, an empty last cell leaves the padding', () => {
  expect(
    tabulate([
      ['NAME', 'ENDPOINTS', 'AGE'],
      ['web', '', '5s'],
    ]),
  ).toBe('NAME   ENDPOINTS   AGE\nweb                5s\n');
  expect(
    tabulate([
      ['A', 'B'],
      ['xx', ''],
    ]),
  ).toBe('A     B\nxx    \n');
});

test('widths count characters, not UTF-16 units', () => {
  expect(
    tabulate([
      ['üüüü', 'x'],
      ['ab', 'y'],
    ]),
  ).toBe('üüüü   x\nab     y\n');
});

test('nothing to print gives nothing', () => {
  expect(tabulate([])).toBe('');
});
