import { describe, expect, it } from 'vitest';
import { publishToTerminal, subscribeTerminalFeed } from './terminal-feed';
import type { TerminalFeedEntry } from './terminal-feed';

const entry = (command: string): TerminalFeedEntry => ({
  command,
  stdout: `${command} done\n`,
  stderr: '',
  exitCode: 0,
  source: 'editor',
});

describe('terminal feed', () => {
  it('keeps what is published before anyone listens, then delivers live', () => {
    publishToTerminal(entry('a'));
    publishToTerminal(entry('b'));
    const got: string[] = [];
    const off = subscribeTerminalFeed((e) => got.push(e.command));
    publishToTerminal(entry('c'));
    off();
    const later: string[] = [];
    const off2 = subscribeTerminalFeed((e) => later.push(e.command));
    publishToTerminal(entry('d'));
    off2();
    expect([got, later]).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
