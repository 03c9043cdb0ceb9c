import { describe, expect, test } from 'vitest';
import { changeCauseFor, shellWords } from './change-cause';
import type { FlagSpec } from './types';

// set image's own flags, as the command declares them.
const SET_IMAGE_FLAGS: FlagSpec[] = [
  { name: 'all', type: 'bool', usage: '' },
  { name: 'record', type: 'bool', usage: '' },
  { name: 'selector', short: 'l', type: 'string', usage: '' },
];

describe('changeCauseFor (record_flags.go parseCommandArguments)', () => {
  test.each([
    // DOC-DEPLOY's example: positional arguments first, then each flag as --name=value.
    [
      'kubectl set image deploy/httpd2 httpd2=httpd:v0.4 --record',
      'kubectl set image deploy/httpd2 httpd2=httpd:v0.4 --record=true',
    ],
    [
      'kubectl set image deploy/httpd2 httpd2=httpd:v0.4 --record=true',
      'kubectl set image deploy/httpd2 httpd2=httpd:v0.4 --record=true',
    ],
    // Flags move after the arguments, in the order typed; shorthands take their long name.
    [
      'kubectl -n default set image deployment httpd2 httpd2=nginx:1.25 --record',
      'kubectl set image deployment httpd2 httpd2=nginx:1.25 --namespace=default --record=true',
    ],
    [
      'kubectl set image deploy -l app=web web=nginx --record',
      'kubectl set image deploy web=nginx --selector=app=web --record=true',
    ],
    [
      'kubectl set image deploy --all *=nginx --record',
      'kubectl set image deploy *=nginx --all=true --record=true',
    ],
    // The program is its base name; quoted words keep their spaces.
    [
      "/usr/local/bin/kubectl set image pod/x 'c=img:1' --record",
      'kubectl set image pod/x c=img:1 --record=true',
    ],
    [
      'kubectl set image pod/x c=img -nprod --record',
      'kubectl set image pod/x c=img --namespace=prod --record=true',
    ],
  ])('%s', (line, expected) => {
    expect(changeCauseFor(line, SET_IMAGE_FLAGS)).toBe(expected);
  });
});

describe('shellWords', () => {
  test.each([
    ['a b  c', ['a', 'b', 'c']],
    [`a 'b c' "d \\"e\\""`, ['a', 'b c', 'd "e"']],
    ['a\\ b', ['a b']],
    ['', []],
  ])('%s', (line, words) => {
    expect(shellWords(line)).toEqual(words);
  });
});
