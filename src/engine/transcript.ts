/**
 * Run a shell script line by line against a cluster's shell and return the transcript a terminal
 * would show: each command after its prompt, then what it printed. This is what `npm run sim`
 * prints and what the transcript tests compare against their golden files.
 *
 *  - `#` comment lines and blank lines are not typed (they are notes for the reader of the script);
 *  - a command that needs more lines (a heredoc, an open quote) takes the following lines, each
 *    shown after bash's continuation prompt `> `;
 *  - lines typed inside `kubectl exec -it POD -- sh` run in the container, after its prompt;
 *  - a command's stderr and stdout both appear, as on a terminal. The two streams are kept apart
 *    by the shell, so their interleaving is reconstructed: a command that succeeded printed its
 *    warnings first (kubectl's deprecation notices, `Defaulted container ...`); one that failed
 *    printed what it could, then the error (unless the shell knows the order: CommandResult.screen);
 *  - the transcript ends with the prompt the learner would be left at.
 */
import type { Shell } from './shell/shell';
import { needsMoreInput } from './shell/shell';

export function runScript(shell: Shell, script: string): string {
  const lines = script.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let out = '';
  let i = 0;
  while (i < lines.length) {
    const first = lines[i++] as string;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    let input = first;
    out += `${shell.prompt()}${first}\n`;
    while (needsMoreInput(input) && i < lines.length) {
      const next = lines[i++] as string;
      input += `\n${next}`;
      out += `> ${next}\n`;
    }
    const r = shell.run(input);
    out += r.screen ?? (r.exitCode === 0 ? r.stderr + r.stdout : r.stdout + r.stderr);
  }
  return out + shell.prompt();
}
