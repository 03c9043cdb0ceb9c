/**
 * The terminal's session: keys in, the virtual shell in the middle, text for xterm out. It owns
 * the line being edited, the `> ` continuation of an unfinished input (a here-document), Tab
 * completion against the live cluster, and commands the editor runs (shown as if typed).
 *
 * It talks to xterm only through `TerminalScreen` (write text, know the width), so it runs in
 * unit tests without a DOM; TerminalPane.tsx wires it to a real xterm.
 */
import type { Cluster, CommandResult, KindInfo } from '../../engine';
import type { TerminalFeedEntry } from '../state/terminal-feed';
import type { CompletionSource } from './completion';
import { applyCompletion, completionsAt, SHELL_COMMANDS } from './completion';
import type { EditorKey, LineState } from './line-editor';
import {
  columnate,
  edit,
  EMPTY_LINE,
  endsAtMargin,
  freshLine,
  parseKeys,
  renderChange,
  renderFull,
  toLineEnd,
} from './line-editor';

/** What the session needs of xterm. */
export interface TerminalScreen {
  write(data: string): void;
  /** Columns of the terminal now (it changes when the pane is resized). */
  readonly cols: number;
}

/**
 * A screen that keeps what is written until the real one is attached: xterm loads as its own
 * chunk, after the page's first paint, and the session starts before it arrives.
 */
export class BufferedScreen implements TerminalScreen {
  private sink: TerminalScreen | undefined;
  private queued = '';

  write(data: string): void {
    if (this.sink) this.sink.write(data);
    else this.queued += data;
  }

  get cols(): number {
    return this.sink?.cols ?? 80;
  }

  attach(sink: TerminalScreen): void {
    this.sink = sink;
    if (this.queued) sink.write(this.queued);
    this.queued = '';
  }
}

/** What the session needs of the playground host (PlaygroundHost has all of it). */
export interface ShellHost {
  readonly cluster: Cluster;
  run(input: string): CommandResult;
  prompt(): string;
  needsMoreInput(input: string): boolean;
  /** Plays a `sleep`'s time (CommandResult.sleepMs); resolves when it has passed. */
  fastForward(ms: number): Promise<void>;
  /** Ctrl+C during that: stop where it is. */
  interruptFastForward(): void;
}

const CONTINUATION = '> ';
/** Workspace directory: the only directory whose files completion knows. */
const WORKSPACE_DIR = '/root/test';
/** Bash asks before listing more completions than this (`completion-query-items`). */
const QUERY_ITEMS = 100;
/** The screen-clearing sequence Ctrl+L sends (the shell's `clear` also wipes the scrollback). */
const CLEAR = '\x1b[H\x1b[2J';

/** `\n` → `\r\n` for xterm (which, like a real tty without ONLCR, only moves down on `\n`). */
export function toTerminalText(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** Whether text leaves the cursor mid-line (visible characters after its last line break). */
function endsMidLine(text: string): boolean {
  const tail = text.slice(text.lastIndexOf('\n') + 1);
  // eslint-disable-next-line no-control-regex
  return tail.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '') !== '';
}

export function welcomeText(cluster: Cluster): string {
  const nodes = cluster.config.nodes.map((n) => n.name).join(', ');
  return (
    `Welcome to \x1b[1mk8s-playground\x1b[22m: a kubeadm cluster (${nodes}).\r\n` +
    `Try: kubectl get pods -A\r\n`
  );
}

export class TerminalSession {
  private line: LineState = EMPTY_LINE;
  /** What is shown before the line: the shell's prompt, or `> ` while an input is unfinished. */
  private prompt = '';
  /** Lines of an unfinished input (a here-document being typed). */
  private pending: string[] = [];
  /** The previous key was a Tab that changed nothing: the next Tab lists the candidates. */
  private tabbed = false;
  /** Candidates waiting for `Display all N possibilities? (y or n)`. */
  private asking: string[] | undefined;
  /** A `sleep` is playing (the prompt returns when its time has passed). */
  private sleeping = false;
  /** Bumped by restart(): a sleep that ends after it prints nothing. */
  private generation = 0;
  /** History of container shells (`kubectl exec -it … sh`), by prompt: bash keeps the node's. */
  private readonly containerHistory = new Map<string, string[]>();

  constructor(
    private readonly host: ShellHost,
    private readonly screen: TerminalScreen,
  ) {}

  /** The welcome line and the first prompt. */
  start(): void {
    this.prompt = this.host.prompt();
    this.screen.write(welcomeText(this.host.cluster) + this.prompt);
  }

  /** The cluster was replaced (Reset): a clean screen, as if the terminal had just opened. */
  restart(): void {
    this.generation++;
    this.sleeping = false;
    this.line = EMPTY_LINE;
    this.pending = [];
    this.tabbed = false;
    this.asking = undefined;
    this.containerHistory.clear();
    this.screen.write('\x1b[H\x1b[2J\x1b[3J');
    this.start();
  }

  /** What xterm's onData delivered: typed keys, an escape sequence, or a pasted block. */
  input(data: string): void {
    for (const key of parseKeys(data)) this.key(key);
  }

  /** The line as typed so far (for tests and the e2e hook). */
  get current(): LineState {
    return this.line;
  }

  private get cols(): number {
    return Math.max(1, this.screen.cols);
  }

  private key(k: EditorKey): void {
    if (this.sleeping) {
      // Like a terminal running `sleep`: only Ctrl+C does anything (typed keys are dropped).
      if (k.type === 'interrupt') {
        this.screen.write('^C\r\n');
        this.sleeping = false;
        this.host.interruptFastForward();
      }
      return;
    }
    if (this.asking) {
      this.answerQuery(k);
      return;
    }
    const wasTab = this.tabbed;
    this.tabbed = false;
    switch (k.type) {
      case 'enter':
        this.submit();
        return;
      case 'tab':
        this.complete(wasTab);
        return;
      case 'interrupt':
        this.interrupt();
        return;
      case 'clear-screen':
        this.screen.write(CLEAR + renderFull(this.prompt, this.line, this.cols));
        return;
      case 'eof':
        if (this.line.buffer === '') {
          this.endOfFile();
          return;
        }
        break;
    }
    this.show(edit(this.line, k, this.history()));
  }

  /** Redraw the line as `next` and make it the current one. */
  private show(next: LineState): void {
    this.screen.write(renderChange(this.prompt.length, this.line, next, this.cols));
    this.line = next;
  }

  /** Leave the edited line: cursor to its end, then to the start of the next row. */
  private leaveLine(): string {
    const w = this.prompt.length;
    return (
      toLineEnd(w, this.line, this.cols) + (endsAtMargin(w, this.line, this.cols) ? '' : '\r\n')
    );
  }

  /** The history ↑/↓ walk: the node's bash history, or the container shell's. */
  private history(): readonly string[] {
    const shell = this.host.cluster.shell;
    if (shell.inContainer) return this.containerHistory.get(this.host.prompt()) ?? [];
    return shell.history();
  }

  private submit(): void {
    const typed = this.line.buffer;
    this.screen.write(this.leaveLine());
    this.line = freshLine(this.line);
    const text = [...this.pending, typed].join('\n');
    if (this.host.needsMoreInput(text)) {
      this.pending.push(typed);
      this.prompt = CONTINUATION;
      this.screen.write(this.prompt);
      return;
    }
    this.pending = [];
    this.execute(text);
  }

  /** Run an input in the shell, print what it printed and the next prompt. */
  private execute(text: string): void {
    const shell = this.host.cluster.shell;
    if (shell.inContainer && text.trim() !== '' && !/^\s/.test(text)) {
      const key = this.host.prompt();
      const h = this.containerHistory.get(key) ?? [];
      if (h[h.length - 1] !== text) h.push(text);
      this.containerHistory.set(key, h);
    }
    const r = this.host.run(text);
    this.writeOutput(r.stdout + r.stderr);
    if (r.sleepMs) {
      // `sleep N`: the cluster fast-forwards N seconds in view; the prompt comes back after.
      this.sleeping = true;
      const generation = this.generation;
      void this.host.fastForward(r.sleepMs).then(() => {
        if (generation !== this.generation) return; // the terminal was restarted meanwhile
        this.sleeping = false;
        this.prompt = this.host.prompt();
        this.screen.write(renderFull(this.prompt, this.line, this.cols));
      });
      return;
    }
    this.prompt = this.host.prompt();
    this.screen.write(this.prompt);
  }

  private writeOutput(text: string): void {
    if (text === '') return;
    this.screen.write(toTerminalText(text) + (endsMidLine(text) ? '\r\n' : ''));
  }

  /** Ctrl+C: `^C`, the line (and an unfinished input) discarded, a fresh prompt. */
  private interrupt(): void {
    const w = this.prompt.length;
    this.screen.write(toLineEnd(w, this.line, this.cols) + '^C\r\n');
    this.line = freshLine(this.line);
    this.pending = [];
    this.prompt = this.host.prompt();
    this.screen.write(this.prompt);
  }

  /**
   * Ctrl+D on an empty line: an unfinished here-document ends there (bash warns and runs it);
   * inside `ssh` or `kubectl exec` the session ends, as `exit` would; at the master's own prompt
   * nothing happens (closing the playground's only shell would help nobody).
   */
  private endOfFile(): void {
    if (this.pending.length > 0) {
      const text = this.pending.join('\n');
      this.pending = [];
      this.screen.write('\r\n');
      this.execute(text);
      return;
    }
    const shell = this.host.cluster.shell;
    const master = this.host.cluster.config.nodes.find((n) => n.role === 'control-plane')?.name;
    if (!shell.inContainer && shell.node === master) return;
    this.line = freshLine(this.line);
    const r = this.host.run('exit');
    const out = r.stdout + r.stderr;
    // bash prints `logout` right after the prompt; a container's sh just ends the line.
    this.screen.write(out === '' ? '\r\n' : toTerminalText(out));
    this.prompt = this.host.prompt();
    this.screen.write(this.prompt);
  }

  /** Completion candidates come from the live cluster and the workspace. */
  private source(): CompletionSource {
    const cluster = this.host.cluster;
    const shell = cluster.shell;
    return {
      commands: SHELL_COMMANDS,
      files: () =>
        !shell.inContainer && shell.cwd === WORKSPACE_DIR ? cluster.workspace.list() : [],
      objectNames: (kind: KindInfo, namespace: string | undefined) =>
        cluster.store
          .list(kind.kind, namespace === undefined ? {} : { namespace })
          .map((o) => o.metadata.name ?? ''),
    };
  }

  private complete(again: boolean): void {
    const c = completionsAt(this.line.buffer, this.line.cursor, this.source());
    const step = applyCompletion(this.line, c, again);
    if (step.list) {
      if (step.list.length > QUERY_ITEMS) {
        this.asking = step.list;
        this.screen.write(
          this.leaveLine() + `Display all ${step.list.length} possibilities? (y or n)`,
        );
        return;
      }
      this.list(step.list);
      return;
    }
    if (step.state !== this.line) this.show(step.state);
    else this.tabbed = true;
  }

  /** Print candidates under the line and draw the line again below them. */
  private list(items: readonly string[]): void {
    this.screen.write(
      this.leaveLine() +
        toTerminalText(columnate(items, this.cols)) +
        '\r\n' +
        renderFull(this.prompt, this.line, this.cols),
    );
  }

  private answerQuery(k: EditorKey): void {
    const items = this.asking ?? [];
    this.asking = undefined;
    const yes = k.type === 'insert' && /^[yY ]/.test(k.text);
    if (yes) {
      this.screen.write('\r\n');
      this.list(items);
      return;
    }
    this.screen.write('\r\n' + renderFull(this.prompt, this.line, this.cols));
  }

  /**
   * A command run elsewhere (the editor's Apply), shown as if typed at this prompt: the command,
   * its output, and a fresh prompt with the partly typed line as it was.
   */
  showExternal(entry: TerminalFeedEntry): void {
    if (this.sleeping) {
      // No prompt on screen (a sleep is playing): the command and its output, on their own.
      this.screen.write(toTerminalText(`${entry.prompt ?? this.prompt}${entry.command}\n`));
      this.writeOutput(entry.stdout + entry.stderr);
      return;
    }
    if (this.asking) {
      this.asking = undefined;
      this.screen.write('\r\n');
    } else if (this.pending.length > 0) {
      // An unfinished here-document stays on screen; the command goes below it.
      this.screen.write(this.leaveLine());
    } else {
      // Replace the typed line by the command.
      this.screen.write(renderChange(this.prompt.length, this.line, EMPTY_LINE, this.cols) + '\r');
    }
    const prompt = this.host.prompt();
    this.screen.write(toTerminalText(`${entry.prompt ?? prompt}${entry.command}\n`));
    this.writeOutput(entry.stdout + entry.stderr);
    if (this.pending.length === 0) this.prompt = prompt;
    this.tabbed = false;
    this.screen.write(renderFull(this.prompt, this.line, this.cols));
  }
}
